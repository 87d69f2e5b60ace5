#!/usr/bin/node
// node-server: a Node.js process with timers and a listening HTTP server,
// and a keep-alive client connection of its own.  After the restore its
// interval timer still ticks, the server answers on the old connection and
// on new ones.  zdtm protocol: READY, then PASS or FAIL: reason in --out.
'use strict';
const fs = require('fs');
const http = require('http');

const out = process.argv[process.argv.indexOf('--out') + 1];
function say(line) { fs.appendFileSync(out, line + '\n'); }
function verdict(line) { say(line); process.exit(line === 'PASS' ? 0 : 1); }

let ticks = 0;
setInterval(() => { ticks++; }, 20);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const server = http.createServer((req, res) => {
    res.end(`path ${req.url} pid ${process.pid} socket ${req.socket.remotePort}\n`);
});

function get(path, opts) {
    return new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: server.address().port, path, ...opts },
            (res) => {
                let body = '';
                res.on('data', (d) => { body += d; });
                res.on('end', () => resolve({ body, port: req.socket.localPort }));
            });
        req.on('error', reject);
        req.setTimeout(30000, () => reject(new Error('timeout')));
    });
}

server.listen(0, '127.0.0.1', async () => {
    const first = await get('/before', { agent });
    if (!first.body.startsWith('path /before'))
        verdict('FAIL: bad first answer ' + first.body);
    await new Promise((r) => setTimeout(r, 200));
    say('READY');
    process.on('SIGTERM', async () => {
        const before = ticks;
        await new Promise((r) => setTimeout(r, 300));
        if (ticks - before < 5)
            verdict(`FAIL: the interval timer ticked ${ticks - before} times in 300 ms`);
        try {
            const again = await get('/after', { agent });
            if (again.body !== `path /after pid ${process.pid} socket ${first.port}\n`)
                verdict('FAIL: after the restore: ' + again.body + ' (first on port ' +
                        first.port + ')');
            const fresh = await get('/new', { agent: false });
            if (!fresh.body.startsWith('path /new'))
                verdict('FAIL: a new connection got ' + fresh.body);
        } catch (e) {
            verdict('FAIL: ' + e);
        }
        verdict('PASS');
    });
});
