// Drives the npm client `statuspage.io` (pinned in package-lock.json) unchanged against a StatusDesk server:
// node statuspage-io.js http://127.0.0.1:PORT
// Prints one JSON object with what each of the client's read calls returned; tst_publicapi checks it.
'use strict';
const {Statuspage} = require('statuspage.io');

async function main() {
    const base = process.argv[2];
    if (!base) {
        console.error('usage: node statuspage-io.js BASE_URL');
        process.exit(2);
    }
    const client = new Statuspage('statusdesk'); // any page id: setApiUrl replaces the hosted origin
    client.setApiUrl(base);
    const out = {};
    const calls = {
        summary: () => client.api.getSummary(),
        status: () => client.api.getStatus(),
        components: () => client.api.getComponents(),
        incidents: () => client.api.incidents.getAll(),
        unresolved: () => client.api.incidents.getUnresolved(),
        maintenancesAll: () => client.api.scheduledMaintenances.getAll(),
        maintenancesUpcoming: () => client.api.scheduledMaintenances.getUpcoming(),
        maintenancesActive: () => client.api.scheduledMaintenances.getActive(),
    };
    for (const [name, call] of Object.entries(calls)) {
        try {
            out[name] = await call();
        } catch (e) {
            out[name] = {client_error: String(e && e.message ? e.message : e)};
        }
    }
    process.stdout.write(JSON.stringify(out));
}

main().catch(e => {
    console.error(e);
    process.exit(1);
});
