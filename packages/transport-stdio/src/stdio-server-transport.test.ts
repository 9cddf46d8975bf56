import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { TransportCloseInfo } from '@stepflow/jsonrpc';
import {
  createStdioServerTransport,
  InvalidJsonLineError,
  MessageTooLargeError,
  type StdioServerTransportOptions,
} from './index.ts';

/** Yields to the event loop until `condition` holds (stream events are asynchronous). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

async function harness(options: Omit<StdioServerTransportOptions, 'stdin' | 'stdout'> = {}) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const transport = createStdioServerTransport({ ...options, stdin, stdout });
  const messages: unknown[] = [];
  const errors: Error[] = [];
  const closes: TransportCloseInfo[] = [];
  transport.onmessage = (m) => messages.push(m);
  transport.onerror = (e) => errors.push(e);
  transport.onclose = (info) => closes.push(info);
  await transport.start();
  let written = '';
  stdout.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
  return { stdin, stdout, transport, messages, errors, closes, written: () => written };
}

describe('framing', () => {
  it('reads one JSON message per line, tolerating \\r\\n and blank lines', async () => {
    const h = await harness();
    h.stdin.write('{"a":1}\r\n\n   \r\n{"b":2}\n');
    await until(() => h.messages.length === 2);
    expect(h.messages).toEqual([{ a: 1 }, { b: 2 }]);
    expect(h.errors).toEqual([]);
  });

  it('joins lines split across chunks, also inside multi-byte characters', async () => {
    const h = await harness();
    const bytes = Buffer.from('{"text":"héllo – 🌍"}\n{"n":1}\n', 'utf8');
    for (let i = 0; i < bytes.length; i++) h.stdin.write(bytes.subarray(i, i + 1));
    await until(() => h.messages.length === 2);
    expect(h.messages).toEqual([{ text: 'héllo – 🌍' }, { n: 1 }]);
  });

  it('delivers a last line without newline when the input ends', async () => {
    const h = await harness();
    h.stdin.end('{"last":true}');
    await until(() => h.closes.length === 1);
    expect(h.messages).toEqual([{ last: true }]);
    expect(h.closes).toEqual([{}]);
  });

  it('reports a non-JSON line and keeps going', async () => {
    const h = await harness();
    h.stdin.write('Traceback (most recent call last):\n{"ok":1}\n');
    await until(() => h.messages.length === 1);
    expect(h.errors).toHaveLength(1);
    expect(InvalidJsonLineError.isInstance(h.errors[0])).toBe(true);
    expect(h.errors[0]!.message).toBe(
      'Received a line that is not JSON; dropped: Traceback (most recent call last):',
    );
  });

  it('hands non-JSON lines to onNonJsonLine instead, when given', async () => {
    const lines: string[] = [];
    const h = await harness({ onNonJsonLine: (line) => lines.push(line) });
    h.stdin.write('print debugging\n{"ok":1}\n');
    await until(() => h.messages.length === 1);
    expect(lines).toEqual(['print debugging']);
    expect(h.errors).toEqual([]);
  });

  it('discards an oversized line without buffering it and reads the next one', async () => {
    const h = await harness({ maxMessageBytes: 64 });
    // Oversized inside one chunk, then oversized across many chunks.
    h.stdin.write(`{"big":"${'x'.repeat(100)}"}\n{"n":1}\n`);
    h.stdin.write(`{"huge":"`);
    for (let i = 0; i < 50; i++) h.stdin.write('y'.repeat(40));
    h.stdin.write(`"}\n{"n":2}\n`);
    await until(() => h.messages.length === 2);
    expect(h.messages).toEqual([{ n: 1 }, { n: 2 }]);
    expect(h.errors).toHaveLength(2);
    for (const error of h.errors) {
      expect(MessageTooLargeError.isInstance(error)).toBe(true);
      expect(error.message).toMatch(
        /^Incoming message exceeds the maximum size of 64 bytes \(more than \d+ bytes\); discarded up to the next newline/,
      );
    }
    expect((h.errors[1] as MessageTooLargeError).preview).toMatch(/^\{"huge":"y+/);
  });

  it('reads the id and kind of a discarded message from its start or end', async () => {
    const h = await harness({ maxMessageBytes: 64 });
    const big = 'z'.repeat(200);
    // The id first (one chunk); the id last (many chunks); a request; an `id` only nested.
    h.stdin.write(`{"jsonrpc":"2.0","id":7,"result":{"id":99,"text":"${big}"}}\n`);
    h.stdin.write(`{"jsonrpc":"2.0","result":{"text":"`);
    for (let i = 0; i < 10; i++) h.stdin.write(big);
    h.stdin.write(`","id":"x"},"id":"uuid-1"}\n`);
    h.stdin.write(
      `{"jsonrpc":"2.0","id":"cb-2","method":"blobs/put","params":{"data":"${big}"}}\n`,
    );
    h.stdin.write(`{"jsonrpc":"2.0","result":{"id":5,"text":"${big}"}}\n{"n":1}\n`);
    await until(() => h.messages.length === 1);
    expect(h.errors.map((e) => (e as MessageTooLargeError).droppedMessage)).toEqual([
      { id: 7, kind: 'response' },
      { id: 'uuid-1', kind: 'response' },
      { id: 'cb-2', kind: 'request' },
      undefined,
    ]);
  });

  it('accepts a message of exactly the maximum size', async () => {
    const h = await harness({ maxMessageBytes: 16 });
    h.stdin.write('{"s":"0123456"}\r\n'); // 15 bytes + \r
    h.stdin.write('{"s":"01234567"}\n'); // 16 bytes
    await until(() => h.messages.length === 2);
    expect(h.errors).toEqual([]);
  });
});

describe('sending', () => {
  it('writes one line per message', async () => {
    const h = await harness();
    await h.transport.send({ jsonrpc: '2.0', method: 'a' });
    await h.transport.send({ jsonrpc: '2.0', id: 1, result: 'ü' });
    await until(() => h.written().split('\n').length === 3);
    expect(h.written()).toBe(
      '{"jsonrpc":"2.0","method":"a"}\n{"jsonrpc":"2.0","id":1,"result":"ü"}\n',
    );
  });

  it('rejects an outgoing message over the limit without writing it', async () => {
    const h = await harness({ maxMessageBytes: 32 });
    const error = await h.transport
      .send({ jsonrpc: '2.0', method: 'x', params: 'y'.repeat(40) })
      .catch((e: unknown) => e);
    expect(MessageTooLargeError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^Outgoing message exceeds the maximum size of 32 bytes/,
    );
    expect(h.written()).toBe('');
  });

  it('rejects a message that cannot be serialised', async () => {
    const h = await harness();
    await expect(
      h.transport.send({ jsonrpc: '2.0', method: 'x', params: { n: 1n } }),
    ).rejects.toThrow(/cannot be serialised as JSON/);
  });

  it('batches messages of one tick into one write', async () => {
    const stdin = new PassThrough();
    const chunks: string[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const transport = createStdioServerTransport({ stdin, stdout });
    await transport.start();
    await Promise.all([1, 2, 3].map((id) => transport.send({ jsonrpc: '2.0', id, result: id })));
    // Resolved sends have been written.
    expect(chunks).toEqual([
      '{"jsonrpc":"2.0","id":1,"result":1}\n{"jsonrpc":"2.0","id":2,"result":2}\n{"jsonrpc":"2.0","id":3,"result":3}\n',
    ]);
  });

  it('rejects sends once the output stream failed, without crashing', async () => {
    const stdin = new PassThrough();
    const stdout = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE: the reader went away'));
      },
    });
    const transport = createStdioServerTransport({ stdin, stdout });
    await transport.start();
    await transport.send({ jsonrpc: '2.0', method: 'first' });
    await until(() => stdout.destroyed);
    await expect(transport.send({ jsonrpc: '2.0', method: 'second' })).rejects.toThrow(
      'EPIPE: the reader went away',
    );
  });

  it('waits for drain when the stream pushes back, keeping order', async () => {
    const stdin = new PassThrough();
    const chunks: string[] = [];
    const pendingCallbacks: (() => void)[] = [];
    const stdout = new Writable({
      highWaterMark: 8,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        pendingCallbacks.push(() => callback());
      },
    });
    const transport = createStdioServerTransport({ stdin, stdout });
    await transport.start();
    await transport.send({ jsonrpc: '2.0', method: 'first' });
    await until(() => chunks.length === 1); // written, and over the high-water mark
    let secondSent = false;
    const second = transport.send({ jsonrpc: '2.0', method: 'second' }).then(() => {
      secondSent = true;
    });
    const third = transport.send({ jsonrpc: '2.0', method: 'third' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondSent).toBe(false);
    expect(chunks).toHaveLength(1);
    await until(() => {
      pendingCallbacks.shift()?.();
      return secondSent;
    });
    await Promise.all([second, third]);
    await until(() => {
      pendingCallbacks.shift()?.();
      return chunks.join('').split('\n').length === 4;
    });
    const methods = chunks
      .join('')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { method: string }).method);
    expect(methods).toEqual(['first', 'second', 'third']);
  });
});

describe('lifecycle', () => {
  it('closes once when stdin ends, and rejects sends afterwards', async () => {
    const h = await harness();
    h.stdin.end();
    await until(() => h.closes.length === 1);
    await h.transport.close();
    expect(h.closes).toEqual([{}]);
    await expect(h.transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toThrow(
      'Stdio server transport is closed',
    );
  });

  it('closes with the error when stdin fails', async () => {
    const h = await harness();
    h.stdin.destroy(new Error('EIO'));
    await until(() => h.closes.length === 1);
    expect(h.closes[0]!.error?.message).toBe('EIO');
  });

  it('stops delivering after close()', async () => {
    const h = await harness();
    await h.transport.close();
    h.stdin.write('{"late":1}\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.messages).toEqual([]);
    expect(h.closes).toEqual([{}]);
  });
});
