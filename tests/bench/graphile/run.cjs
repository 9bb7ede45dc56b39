// One round of the queue baseline: graphile-worker 0.17 with the batching preset from its
// performance page (local queue of 500, job completions and failures batched), N no-op jobs
// queued first, then drained by one worker process with `concurrency` concurrent jobs.
// Usage: node run.cjs CONNECTION_STRING CONCURRENCY JOBS  ->  one JSON line on stdout.
"use strict";
const { run, makeWorkerUtils, runMigrations } = require("graphile-worker");

async function main() {
  const [connectionString, concurrencyText, jobsText] = process.argv.slice(2);
  const concurrency = Number(concurrencyText);
  const jobs = Number(jobsText);
  if (!connectionString || !(concurrency > 0) || !(jobs > 0)) {
    console.error("usage: node run.cjs CONNECTION_STRING CONCURRENCY JOBS");
    process.exit(2);
  }
  const preset = {
    worker: {
      connectionString,
      concurrentJobs: concurrency,
      maxPoolSize: concurrency + 1,
      pollInterval: 1000,
      localQueue: { size: 500 },
      completeJobBatchDelay: 0,
      failJobBatchDelay: 0,
    },
  };
  await runMigrations({ connectionString, logger: quietLogger() });
  const utils = await makeWorkerUtils({ connectionString, logger: quietLogger() });
  for (let i = 0; i < jobs; i += 10000) {
    const specs = [];
    for (let j = i; j < Math.min(jobs, i + 10000); ++j) specs.push({ identifier: "noop", payload: { j } });
    await utils.addJobs(specs);
  }
  await utils.release();
  let done = 0;
  let resolveAll;
  const all = new Promise((resolve) => (resolveAll = resolve));
  const started = process.hrtime.bigint();
  const runner = await run({
    preset,
    logger: quietLogger(),
    taskList: {
      noop: async () => {
        if (++done === jobs) resolveAll();
      },
    },
  });
  await all;
  await runner.stop(); // flushes the batched completions: a job counts once its completion is committed
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ jobs, concurrency, seconds, jobsPerSecond: jobs / seconds }));
}

function quietLogger() {
  const { Logger } = require("graphile-worker");
  return new Logger(() => (level, message) => {
    if (level === "error") console.error(message);
  });
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
