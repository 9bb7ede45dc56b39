// The SDKs teams already run, pointed at a salesflowd: node send.cjs URL WRITE_KEY TAG
// Sends the same eight calls (identify, track x3, page, screen, group, alias) through
// @segment/analytics-node and through @rudderstack/rudder-sdk-node (gzip bodies, its default),
// waits until both have flushed, and prints {"segment": {...}, "rudder": {...}}; exits 1 when
// either SDK reported an error (it then gave up after its retries).
'use strict';
const { Analytics } = require('@segment/analytics-node');
const Rudder = require('@rudderstack/rudder-sdk-node');

const [url, writeKey, tag] = process.argv.slice(2);

function calls(client, sdk) {
    const userId = `user-${tag}-${sdk}`;
    client.identify({ userId, traits: { email: `${sdk}.${tag}@tallgrass.io`, name: `Priya ${sdk}` } });
    for (const event of ['Workspace Created', 'Teammate Invited', 'Report Exported'])
        client.track({ userId, event, properties: { plan: 'trial', sdk } });
    client.page({ userId, name: 'Pricing', properties: { url: 'https://www.example-saas.com/pricing' } });
    client.screen({ userId, name: 'Dashboard' });
    client.group({ userId, groupId: `acct-${tag}`, traits: { name: 'Tallgrass', domain: 'tallgrass.io' } });
    client.alias({ userId, previousId: `anon-${tag}-${sdk}` });
    return 8;
}

async function viaSegment() {
    const errors = [];
    const client = new Analytics({ writeKey, host: url, flushAt: 5, flushInterval: 200, maxRetries: 3 });
    client.on('error', (e) => errors.push(String(e && (e.reason || e.message || e))));
    const sent = calls(client, 'segment');
    await client.closeAndFlush({ timeout: 20000 });
    return { sent, errors };
}

async function viaRudder() {
    const errors = [];
    const client = new Rudder(writeKey, {
        dataPlaneUrl: url, flushAt: 5, flushInterval: 200, retryCount: 3, logLevel: 'error',
        errorHandler: (e) => errors.push(String(e && (e.message || e))),
    });
    const sent = calls(client, 'rudder');
    await new Promise((resolve) => client.flush(() => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last batch's answer
    return { sent, errors };
}

(async () => {
    const out = { segment: await viaSegment(), rudder: await viaRudder() };
    console.log(JSON.stringify(out));
    process.exit(out.segment.errors.length || out.rudder.errors.length ? 1 : 0);
})().catch((e) => {
    console.error(e);
    process.exit(2);
});
