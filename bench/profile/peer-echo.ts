// Profiling driver: peer + transport-ws echo round trips at a given in-flight level. Not a bench file.
// Usage: node --import tsx profile/peer-echo.ts [inFlight] [ms]
import { createJsonRpcPeer, type JsonRpcPeer } from '@stepflow/jsonrpc';
import { createWebSocketClientTransport, listenWebSocket } from '@stepflow/transport-ws';

const inFlight = Number(process.argv[2] ?? 1000);
const ms = Number(process.argv[3] ?? 3000);
const PAYLOAD = { text: 'hello, stepflow', n: 42, tags: ['a', 'b', 'c'] };
const components: JsonRpcPeer[] = [];
const listener = await listenWebSocket({
  onConnection: (transport) => {
    const component = createJsonRpcPeer(transport);
    component.handleRequest('echo', (params) => params);
    components.push(component);
    void component.start();
  },
});
const peer = createJsonRpcPeer(createWebSocketClientTransport({ url: listener.url }));
await peer.start();
const round = async (duration: number): Promise<[number, number]> => {
  let count = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (performance.now() < started + duration) {
      await peer.request('echo', PAYLOAD);
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const used = process.cpuUsage(cpu);
  return [(used.user + used.system) / count, count / ((performance.now() - started) / 1000)];
};
await round(1000);
const [cpu, rate] = await round(ms);
console.log(
  `peer echo, ${inFlight} in flight: ${cpu.toFixed(1)} µs CPU per round trip, ${rate.toFixed(0)}/s`,
);
await peer.close();
await Promise.all(components.map((c) => c.close()));
await listener.close();
