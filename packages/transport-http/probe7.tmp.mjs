import { createServer } from 'node:http';
import { Pool } from 'undici';
import { createJsonRpcPeer } from '@stepflow/jsonrpc';
import { createHttpClientTransport, createStreamableHttpHandler, listenHttp } from '@stepflow/transport-http';
const server = createServer((req, res) => { const c=[]; req.on('data', d=>c.push(d)); req.on('end', () => { const m = JSON.parse(Buffer.concat(c)); res.writeHead(200, {'content-type':'application/json'}); res.end(JSON.stringify({jsonrpc:'2.0', id: m.id, result: m.params})); }); });
await new Promise(r => server.listen(0, '127.0.0.1', r));
const rawUrl = `http://127.0.0.1:${server.address().port}/`;
// handler with bare responder
const h1 = createStreamableHttpHandler();
h1.transport.onmessage = (m) => { if (m.id !== undefined) void h1.transport.send({ jsonrpc: '2.0', id: m.id, result: m.params }); };
await h1.transport.start();
const l1 = await listenHttp(h1);
// handler with peer
const h2 = createStreamableHttpHandler();
const sp = createJsonRpcPeer(h2.transport, { onError: () => {} }); sp.handleRequest('echo', (p) => p); await sp.start();
const l2 = await listenHttp(h2);
const PAYLOAD = { text: 'hello, stepflow', n: 42, tags: ['a', 'b', 'c'] };
function pool(url) { const p = new Pool(new URL(url).origin, { connections: 256 }); let id = 0; return async () => { const r = await p.request({ path: '/', method: 'POST', headers: {'content-type':'application/json', accept: 'application/json, text/event-stream'}, body: JSON.stringify({jsonrpc:'2.0',id:++id,method:'echo',params:PAYLOAD}) }); return JSON.parse(await r.body.text()); }; }
async function peer(url) { const p = createJsonRpcPeer(createHttpClientTransport({ url }), { onError: () => {} }); await p.start(); return () => p.request('echo', PAYLOAD); }
async function run(name, req, n = 4000) { let left = n; const c0 = process.cpuUsage(); const t0 = performance.now(); await Promise.all(Array.from({length: 64}, async () => { while (left-- > 0) await req(); })); const c = process.cpuUsage(c0); return [name, ((c.user + c.system) / n).toFixed(0) + 'µs', (n / (performance.now() - t0) * 1000).toFixed(0) + '/s']; }
const cases = [['pool->raw', pool(rawUrl)], ['peer->raw', await peer(rawUrl)], ['pool->handler', pool(l1.url)], ['pool->handler+peer', pool(l2.url)], ['peer->handler+peer', await peer(l2.url)]];
const res = {};
for (let round = 0; round < 4; round++) for (const [n, r] of cases) { const [name, cpu, rate] = await run(n, r); (res[name] ??= []).push(parseInt(cpu) + '/' + rate); }
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(22), v.join('  '));
process.exit(0);
