// The one behavioural suite every BlobStore implementation must pass (memory, filesystem, SQL),
// shipped as `@stepflow/blob-store/testing` so stores in other packages run it too.
import { afterEach, describe, expect, it } from 'vitest';
import { BlobCorruptedError } from './blob-corrupted-error.ts';
import type { BlobStore } from './blob-store.ts';

/** What a compliance factory hands the suite for one test. */
export interface ComplianceSubject {
  readonly store: BlobStore;
  /** Damages the stored content of `id` behind the store's back, when the medium allows it. */
  readonly corrupt?: (id: string) => Promise<void>;
  /** Opens a second store over the same medium, to check what survives a restart. */
  readonly reopen?: () => BlobStore;
  /** Releases whatever the subject holds (directories, connections). */
  readonly dispose?: () => Promise<void>;
}

// Pinned ids: "hello" and the object of STEPFLOW.md §6.8, plus the second case of the
// reference's tests/builtins/blob_test.yaml (copied here; tests never read ../shared).
const PINNED: readonly { name: string; data: unknown; id: string }[] = [
  {
    name: '"hello"',
    data: 'hello',
    id: '5aa762ae383fbb727af3c7a36d4940a5b8c40a989452d2304fc958ff3f354e7a',
  },
  {
    name: 'blob_test.yaml: complex data structure',
    data: { message: 'Hello, blobs!', number: 42, nested: { array: [1, 2, 3], boolean: true } },
    id: '868591347a854ba1d0f4875b2dd44e1e8335052af03725a9819f89e0142318b0',
  },
  {
    name: 'blob_test.yaml: nested object structure',
    data: { simple: 'test', complex: { deeply: { nested: { value: 'works' } } } },
    id: 'aa05cc227a02bd66a2a91fde7500be122d28e87c45832d1aa9cb0b432eef7e04',
  },
];

/** Registers the compliance suite for one implementation under `describe(name)`. */
export function blobStoreComplianceSuite(
  name: string,
  createSubject: () => Promise<ComplianceSubject> | ComplianceSubject,
): void {
  describe(`${name}: BlobStore compliance`, () => {
    const subjects: ComplianceSubject[] = [];
    const subject = async (): Promise<ComplianceSubject> => {
      const created = await createSubject();
      subjects.push(created);
      return created;
    };
    afterEach(async () => {
      for (const created of subjects.splice(0)) await created.dispose?.();
    });

    for (const pinned of PINNED) {
      it(`computes the pinned id of ${pinned.name}`, async () => {
        const { store } = await subject();
        expect(await store.put(pinned.data)).toBe(pinned.id);
        expect(await store.get(pinned.id)).toEqual({
          id: pinned.id,
          data: pinned.data,
          blobType: 'data',
        });
      });
    }

    it('round-trips every kind of JSON value', async () => {
      const { store } = await subject();
      const values: unknown[] = [
        null,
        true,
        0,
        -1.5,
        '',
        'ünïcödé ✓\n"quoted"',
        [],
        {},
        [1, [2, { a: null }]],
      ];
      for (const value of values) {
        const id = await store.put(value);
        expect((await store.get(id))?.data).toEqual(value);
        expect(await store.has(id)).toBe(true);
      }
    });

    it('keeps the key order it received', async () => {
      const { store } = await subject();
      const id = await store.put({ b: 1, a: 2 });
      expect(Object.keys((await store.get(id))?.data as object)).toEqual(['b', 'a']);
      expect(id).not.toBe(await store.put({ a: 2, b: 1 }));
    });

    it('answers undefined / false for an unknown or malformed id', async () => {
      const { store } = await subject();
      const unknown = '0'.repeat(64);
      expect(await store.get(unknown)).toBeUndefined();
      expect(await store.has(unknown)).toBe(false);
      for (const bad of ['', 'hello', '../../etc/passwd', 'A'.repeat(64), `${'0'.repeat(63)}/`]) {
        expect(await store.get(bad)).toBeUndefined();
        expect(await store.has(bad)).toBe(false);
      }
    });

    it('stores identical content once and keeps the first blob type', async () => {
      const { store } = await subject();
      const flow = { schema: 'https://stepflow.org/schemas/v1/flow.json', steps: [] };
      const first = await store.put(flow, 'flow');
      const second = await store.put(flow, 'data');
      expect(second).toBe(first);
      expect((await store.get(first))?.blobType).toBe('flow');
    });

    it('is isolated from later mutation of the value put or got', async () => {
      const { store } = await subject();
      const value = { list: [1, 2] };
      const id = await store.put(value);
      value.list.push(3);
      const got = (await store.get(id))?.data as { list: number[] };
      got.list.push(4);
      expect((await store.get(id))?.data).toEqual({ list: [1, 2] });
    });

    it('rejects a value that is not JSON', async () => {
      const { store } = await subject();
      await expect(store.put(undefined)).rejects.toThrow(/JSON value/);
      await expect(store.put(() => 1)).rejects.toThrow(/JSON value/);
    });

    it('handles concurrent puts of the same and of different content', async () => {
      const { store } = await subject();
      const ids = await Promise.all(
        Array.from({ length: 20 }, (_, index) => store.put({ n: index % 5 })),
      );
      expect(new Set(ids).size).toBe(5);
      for (const id of ids) expect(await store.has(id)).toBe(true);
    });

    it('keeps blobs across a reopen of the same medium', async (context) => {
      const created = await subject();
      if (!created.reopen) return context.skip();
      const id = await created.store.put({ durable: true }, 'flow');
      expect(await created.reopen().get(id)).toEqual({
        id,
        data: { durable: true },
        blobType: 'flow',
      });
    });

    it('reports corrupted content as BlobCorruptedError, never returning it', async (context) => {
      const created = await subject();
      if (!created.corrupt) return context.skip();
      const id = await created.store.put({ amount: 100 });
      await created.corrupt(id);
      const failure = await created.store.get(id).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(BlobCorruptedError.isInstance(failure)).toBe(true);
      expect((failure as BlobCorruptedError).blobId).toBe(id);
      expect((failure as Error).message).toContain(id);
    });
  });
}
