/** The batches started from this tab: the service has no batch listing. */
const KEY = 'stepflow.batches';
const LIMIT = 50;

/** Ids of the batches this tab started or opened, newest first. */
export function loadBatchIds(): string[] {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** Remembers a batch id for the batches page. */
export function rememberBatch(batchId: string): void {
  const ids = [batchId, ...loadBatchIds().filter((id) => id !== batchId)].slice(0, LIMIT);
  try {
    sessionStorage.setItem(KEY, JSON.stringify(ids));
  } catch {
    // Storage blocked: the batch is still reachable by its URL.
  }
}
