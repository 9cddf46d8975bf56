/** Optimal-string-alignment distance: edits, with a swap of two neighbours counting as one. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

function simplify(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * The known key closest to `key` (case, `_` and `-` ignored): within an edit distance of a third
 * of its length (at least 1, at most 3), or one a prefix of the other differing by at most three
 * characters (`skip` → `skipIf`, `timeout` → `timeoutMs`). `undefined` when nothing is close:
 * callers treat a match as a misspelling, so a key that merely starts like a known one
 * (`metadataVersion`) is not one.
 */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const target = simplify(key);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const simple = simplify(candidate);
    const d =
      target.length >= 3 &&
      Math.abs(target.length - simple.length) <= 3 &&
      (simple.startsWith(target) || target.startsWith(simple))
        ? 0.5
        : distance(target, simple);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.min(3, Math.max(1, Math.floor(target.length / 3)));
  return bestDistance <= limit ? best : undefined;
}
