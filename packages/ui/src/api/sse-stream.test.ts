import { describe, expect, it } from 'vitest';
import { readSse } from './sse-stream.ts';

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>) {
  const out = [];
  for await (const message of readSse(stream)) out.push(message);
  return out;
}

describe('readSse', () => {
  it('reads ids, event names and multi-line data split across chunks', async () => {
    const messages = await collect(
      streamOf(
        'id: 1\nevent: runStarted\nda',
        'ta: {"a":\ndata: 1}\n\n: comment\n\r\nid: 2\r\ndata: x\r\n\r\n',
      ),
    );
    expect(messages).toEqual([
      { id: '1', event: 'runStarted', data: '{"a":\n1}' },
      { id: '2', event: 'message', data: 'x' },
    ]);
  });

  it('drops an event left unfinished when the stream ends', async () => {
    expect(await collect(streamOf('data: done\n\ndata: half'))).toEqual([
      { event: 'message', data: 'done' },
    ]);
  });
});
