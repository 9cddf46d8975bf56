import type { Transport, TransportCloseInfo } from '@stepflow/jsonrpc';
import { createLinkedTransportPair } from '@stepflow/jsonrpc/testing';
import { describe, expect, it } from 'vitest';
import { createLazyTransport } from './lazy-transport.ts';

function closes(transport: Transport): TransportCloseInfo[] {
  const seen: TransportCloseInfo[] = [];
  transport.onclose = (info) => seen.push(info);
  return seen;
}

describe('createLazyTransport', () => {
  it('loads the real transport on start and passes messages both ways', async () => {
    const [near, far] = createLinkedTransportPair();
    let loads = 0;
    const lazy = createLazyTransport(async () => {
      loads++;
      return near;
    });
    expect(loads).toBe(0);
    const received: unknown[] = [];
    lazy.onmessage = (message) => received.push(message);
    const farReceived: unknown[] = [];
    far.onmessage = (message) => farReceived.push(message);
    await far.start();
    await lazy.start();
    expect(loads).toBe(1);
    await lazy.send({ jsonrpc: '2.0', method: 'ping' });
    await far.send({ jsonrpc: '2.0', method: 'pong' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(farReceived).toEqual([{ jsonrpc: '2.0', method: 'ping' }]);
    expect(received).toEqual([{ jsonrpc: '2.0', method: 'pong' }]);
  });

  it('reports the close once, from the real transport', async () => {
    const [near, far] = createLinkedTransportPair();
    const lazy = createLazyTransport(async () => near);
    const seen = closes(lazy);
    await far.start();
    await lazy.start();
    await far.close();
    await lazy.close();
    expect(seen).toHaveLength(1);
  });

  it('closed before it starts: never loads, reports the close once, refuses to start', async () => {
    let loads = 0;
    const lazy = createLazyTransport(async () => {
      loads++;
      return createLinkedTransportPair()[0];
    });
    const seen = closes(lazy);
    await lazy.close();
    await lazy.close();
    await expect(lazy.start()).rejects.toThrow('closed before it started');
    await expect(lazy.send({ jsonrpc: '2.0', method: 'ping' })).rejects.toThrow('not open');
    expect(loads).toBe(0);
    expect(seen).toEqual([{}]);
  });

  it('closed while loading: closes the loaded transport instead of starting it', async () => {
    const [near] = createLinkedTransportPair();
    let nearClosed = false;
    const realClose = near.close.bind(near);
    near.close = async () => {
      nearClosed = true;
      await realClose();
    };
    let finishLoading!: () => void;
    const loaded = new Promise<void>((resolve) => (finishLoading = resolve));
    const lazy = createLazyTransport(async () => {
      await loaded;
      return near;
    });
    const seen = closes(lazy);
    const starting = lazy.start();
    await lazy.close();
    finishLoading();
    await expect(starting).rejects.toThrow('closed before it started');
    expect(nearClosed).toBe(true);
    expect(seen).toEqual([{}]);
  });
});
