#!/usr/bin/python3
"""Checks the operator's files in deploy/ as far as this machine allows (ctest: deploy_files).

  check_deploy.py --source DIR --salesflowd PATH

Each check prints one line (ok / FAIL with the reason); the exit code is the number of failures.
The container image itself is built by the deploy_image test where an OCI builder exists.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

FAILURES = []


def check(name, ok, detail=""):
    print(("ok    " if ok else "FAIL  ") + name + ("" if ok else ": " + detail))
    if not ok:
        FAILURES.append(name)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def engine_sources(src):
    """Every C++ source of salesflowd: the names it reads from the environment live here."""
    text = []
    for top in ("engine", "app/salesflowd"):
        for root, _, files in os.walk(os.path.join(src, top)):
            text += [read(os.path.join(root, f)) for f in files if f.endswith((".cpp", ".h"))]
    return "\n".join(text)


# Set for the process by the platform or Qt, not read by name in our sources.
PLATFORM_VARS = {"HOME", "XDG_DATA_HOME", "QT_LOGGING_RULES"}


def unknown_vars(names, sources):
    """The environment variable names salesflowd does not read."""
    out = []
    for n in names:
        base = n[:-5] if n.endswith("_FILE") else n
        if n not in PLATFORM_VARS and '"%s"' % base not in sources:
            out.append(n)
    return out


def check_systemd(src, salesflowd):
    units = ["salesflowd.service", "salesflowd-worker@.service"]
    with tempfile.TemporaryDirectory() as tmp:
        for u in units:
            text = read(os.path.join(src, "deploy/systemd", u)).replace("/usr/local/bin/salesflowd", salesflowd)
            with open(os.path.join(tmp, u), "w") as f:
                f.write(text)
        for u in ["salesflowd.service", "salesflowd-worker@9101.service"]:
            r = subprocess.run(["systemd-analyze", "verify", u], cwd=tmp, capture_output=True, text=True)
            # verify exits 0 on unknown keys and bad values: any word on stderr is a finding
            check("systemd-analyze verify " + u, r.returncode == 0 and not r.stderr.strip(), r.stderr.strip())
            r = subprocess.run(["systemd-analyze", "security", "--offline=yes", u], cwd=tmp,
                               capture_output=True, text=True)
            m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout + r.stderr)
            score = float(m.group(1)) if m else 99
            print("      exposure of %s: %s (0 = locked down, 10 = exposed)" % (u, m.group(1) if m else "?"))
            check("systemd-analyze security " + u + " <= 2.0", score <= 2.0, "exposure %s" % score)
    for u in units:
        text = read(os.path.join(src, "deploy/systemd", u))
        for key in ["Type=notify", "NoNewPrivileges=yes", "ProtectSystem=strict", "DynamicUser=yes",
                    "LimitNOFILE=", "TimeoutStopSec=", "KillSignal=SIGTERM"]:
            check("%s sets %s" % (u, key), key in text, "missing")
    names = set()
    for f in units + ["salesflow.env.example"]:
        names |= set(re.findall(r"^#?\s*(?:Environment=)?([A-Z][A-Z0-9_]+)=", read(os.path.join(src, "deploy/systemd", f)),
                                re.M))
    return names


def check_ecs(src):
    import botocore.session
    import botocore.validate
    shape = botocore.session.get_session().get_service_model("ecs").operation_model(
        "RegisterTaskDefinition").input_shape
    names = set()
    for role in ("api", "worker"):
        path = os.path.join(src, "deploy/ecs/taskdef-%s.json" % role)
        td = json.loads(read(path))
        report = botocore.validate.ParamValidator().validate(td, shape)
        check("ECS taskdef-%s.json matches RegisterTaskDefinition's shape" % role, not report.has_errors(),
              report.generate_report())
        c = td["containerDefinitions"][0]
        check("taskdef-%s runs on Fargate" % role, td.get("requiresCompatibilities") == ["FARGATE"]
              and td.get("networkMode") == "awsvpc", "needs FARGATE and awsvpc")
        check("taskdef-%s logs with awslogs" % role, c["logConfiguration"]["logDriver"] == "awslogs", "")
        check("taskdef-%s has a health check on /healthz" % role, "/healthz" in " ".join(c["healthCheck"]["command"]), "")
        check("taskdef-%s stop timeout 30..120 s" % role, 30 <= c.get("stopTimeout", 0) <= 120, str(c.get("stopTimeout")))
        secret_names = {s["name"] for s in c.get("secrets", [])}
        check("taskdef-%s takes every secret by ARN" % role,
              all(re.match(r"arn:aws:(secretsmanager|ssm):", s["valueFrom"]) for s in c.get("secrets", [])), "")
        env = {e["name"]: e["value"] for e in c.get("environment", [])}
        leaked = [n for n in env if re.search(r"KEY|TOKEN|SECRET|PASSWORD|^SALESFLOW_DB$", n)]
        check("taskdef-%s has no secret in plain environment" % role, not leaked, ", ".join(leaked))
        check("taskdef-%s serves role %s" % (role, role), env.get("SALESFLOW_ROLE") == role, str(env))
        names |= set(env) | secret_names
    return names


def check_prometheus(src, sources):
    d = os.path.join(src, "deploy/prometheus")
    r = subprocess.run(["promtool", "check", "rules", "alerts.yml"], cwd=d, capture_output=True, text=True)
    check("promtool check rules alerts.yml", r.returncode == 0, r.stdout + r.stderr)
    r = subprocess.run(["promtool", "test", "rules", "alerts.test.yml"], cwd=d, capture_output=True, text=True)
    check("promtool test rules alerts.test.yml", r.returncode == 0, r.stdout + r.stderr)
    rules = yaml.safe_load(read(os.path.join(d, "alerts.yml")))
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"]}
    tested = set(re.findall(r"alertname: (\w+)", read(os.path.join(d, "alerts.test.yml"))))
    check("every alert has a unit test", alerts <= tested, ", ".join(sorted(alerts - tested)))
    wanted = {"queue age": "salesflow_queue_oldest_job_age_ms", "failed events": 'status="failed"',
              "HubSpot budget": "salesflow_hubspot_daily_budget_remaining", "LLM errors": "salesflow_llm_errors_total",
              "review backlog": 'status="in_review"'}
    text = read(os.path.join(d, "alerts.yml"))
    for what, needle in wanted.items():
        check("an alert watches " + what, needle in text, "no rule uses " + needle)
    return metric_names(text)


def metric_names(text):
    names = set(re.findall(r"\b(salesflow_[a-z_]+)", text))
    return {re.sub(r"_(bucket|sum|count)$", "", n) for n in names}


def check_grafana(src):
    dash = json.loads(read(os.path.join(src, "deploy/grafana/salesflow-dashboard.json")))
    exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
    check("the Grafana dashboard has panels with queries", len(exprs) >= 10, "%d queries" % len(exprs))
    ids = [p["id"] for p in dash["panels"]]
    check("the dashboard's panel ids are unique", len(ids) == len(set(ids)), str(ids))
    # promtool parses each query as a recording rule: a typo in PromQL fails here, not in Grafana
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": "dashboard:query_%d" % i, "expr": e.replace("$__rate_interval", "5m")}
        for i, e in enumerate(exprs)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
        yaml.safe_dump(rules, f)
        f.flush()
        r = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
    check("every dashboard query is valid PromQL (promtool)", r.returncode == 0, r.stdout + r.stderr)
    return metric_names("\n".join(exprs))


def check_compose(src):
    d = os.path.join(src, "deploy/compose")
    c = yaml.safe_load(read(os.path.join(d, "compose.yaml")))
    s = c["services"]
    check("compose has postgres, migrate, api and worker",
          {"postgres", "migrate", "api", "worker"} <= set(s), str(sorted(s)))
    check("compose runs one api", s["api"]["command"][:3] == ["serve", "--role", "api"], str(s["api"]["command"]))
    check("compose runs two workers", s["worker"]["command"][:3] == ["serve", "--role", "worker"]
          and s["worker"]["deploy"]["replicas"] == 2, str(s["worker"]))
    check("compose migrates before serving",
          s["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
          and s["migrate"]["command"] == ["migrate"], "")
    check("compose builds from deploy/Dockerfile",
          os.path.exists(os.path.join(d, s["api"]["build"]["context"], s["api"]["build"]["dockerfile"])), "")
    check("compose gives 30 s to stop", s["worker"]["stop_grace_period"] == "30s", "")
    init = read(os.path.join(d, "init-secrets.sh"))
    missing = [n for n, v in c["secrets"].items() if os.path.basename(v["file"]) not in init]
    check("init-secrets.sh makes every compose secret file", not missing, ", ".join(missing))
    prom = yaml.safe_load(read(os.path.join(d, "prometheus.yml")))
    check("compose's Prometheus loads the alert rules", "/etc/prometheus/alerts.yml" in prom["rule_files"], "")
    names = set()
    for svc in ("migrate", "api", "worker"):
        names |= set(s[svc]["environment"])
    return names


def check_dockerfile(src, salesflowd):
    text = read(os.path.join(src, "deploy/Dockerfile"))
    stages = re.findall(r"^FROM (\S+)", text, re.M)
    check("Dockerfile is multi-stage, runs on a slim Debian", len(stages) >= 2 and "slim" in stages[-1], str(stages))
    runtime = text[text.rindex("\nFROM "):]
    user = re.findall(r"^USER (\S+)", runtime, re.M)
    check("the image runs as a non-root user", user and not user[-1].startswith(("root", "0")), str(user))
    check("the image has a HEALTHCHECK on /healthz", re.search(r"^HEALTHCHECK .*\n?.*?/healthz", runtime, re.M)
          is not None, "")
    check("the image's entrypoint is salesflowd, serving by default",
          '"/usr/local/bin/salesflowd"' in runtime and 'CMD ["serve"]' in runtime, "")
    envs = re.findall(r"^\s*([A-Z_]+)=", runtime, re.M)
    leaked = [n for n in envs if re.search(r"KEY|TOKEN|SECRET|PASSWORD|^SALESFLOW_DB$", n)]
    check("no secret is baked into the image", not leaked, ", ".join(leaked))
    # every library the binary links must come from a package the runtime stage installs
    packages = set(re.findall(r"\b(lib[a-z0-9.+-]+|zlib1g|ca-certificates|curl)\b", runtime))
    needed = re.findall(r"\(NEEDED\).*\[(.+)\]", subprocess.run(["readelf", "-d", salesflowd], capture_output=True,
                                                                 text=True).stdout)
    base = {"libc.so.6", "libm.so.6", "libgcc_s.so.1", "libstdc++.so.6", "ld-linux-x86-64.so.2"}
    missing = []
    for lib in needed:
        if lib in base:
            continue
        owner = subprocess.run(["dpkg", "-S", "*/" + lib], capture_output=True, text=True).stdout.split(":")[0]
        if owner not in packages:
            missing.append("%s (%s)" % (lib, owner or "no package"))
    check("the runtime stage installs every library salesflowd links (%d)" % len(needed), not missing,
          ", ".join(missing))
    check_build_deps(src, text[:text.rindex("\nFROM ")])


def check_build_deps(src, build):
    """The build stage's .ci/deps runs with only what was copied before it (the senders' npm step
    once broke the image that way): run it so, on this machine, where the packages are installed."""
    step = re.search(r"^RUN (/src/\.ci/deps[^&\n]*)", build, re.M)
    check("the build stage installs its packages with .ci/deps", step is not None, "")
    if not step:
        return
    with tempfile.TemporaryDirectory() as root:
        for source, dest in re.findall(r"^COPY (\S+) (/src/\S+)$", build[:step.start()], re.M):
            target = os.path.join(root, dest.lstrip("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(src, source), target)
        argv = step.group(1).split()
        run = subprocess.run([os.path.join(root, argv[0].lstrip("/"))] + argv[1:], capture_output=True, text=True)
        check("the build stage's %s works with only the files copied before it" % step.group(1).strip(),
              run.returncode == 0, (run.stdout + run.stderr)[-400:])


def check_migrations(src):
    """Rolling upgrades run the previous release on the new schema: migrations only add."""
    d = os.path.join(src, "migrations")
    breaking = re.compile(r"\bDROP\s+(TABLE|COLUMN|INDEX|CONSTRAINT)|\bRENAME\b"
                          r"|ALTER\s+COLUMN\s+\S+\s+(TYPE|SET\s+NOT\s+NULL)|\bADD\s+(CONSTRAINT|CHECK)\b"
                          r"|ADD\s+COLUMN\s+[^;,]*NOT\s+NULL(?![^;,]*DEFAULT)", re.I)
    unique = re.compile(r"CREATE\s+UNIQUE\s+INDEX\s+\w+\s+ON\s+(\w+)", re.I)
    found = []
    for f in sorted(os.listdir(d)):
        sql = re.sub(r"--[^\n]*", "", read(os.path.join(d, f)))
        found += ["%s: %s" % (f, m.group(0)) for m in breaking.finditer(sql)]
        # a unique index on a table that already holds rows can fail, or refuse the old release's writes
        created = set(re.findall(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", sql, re.I))
        found += ["%s: %s" % (f, m.group(0)) for m in unique.finditer(sql) if m.group(1) not in created]
    check("migrations only add (the previous release runs on the new schema)", not found, "; ".join(found))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--salesflowd", required=True)
    a = ap.parse_args()
    a.salesflowd = os.path.abspath(a.salesflowd)
    src, sources = a.source, engine_sources(a.source)
    env = check_systemd(src, a.salesflowd) | check_ecs(src) | check_compose(src)
    unknown = unknown_vars(sorted(env), sources)
    check("every variable the deploy files set is one salesflowd reads (%d)" % len(env), not unknown,
          ", ".join(unknown))
    metrics = check_prometheus(src, sources) | check_grafana(src)
    unknown = sorted(m for m in metrics if m not in sources)
    check("every metric the alerts and the dashboard use is one salesflowd exports (%d)" % len(metrics),
          not unknown, ", ".join(unknown))
    check_dockerfile(src, a.salesflowd)
    check_migrations(src)
    print("%d checks failed" % len(FAILURES) if FAILURES else "all deploy checks passed")
    return len(FAILURES)


if __name__ == "__main__":
    sys.exit(main())
