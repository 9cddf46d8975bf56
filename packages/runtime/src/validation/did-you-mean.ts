function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function simplify(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * The known key closest to `key` (case, `_` and `-` ignored; edit distance at most a third of
 * the length, and at most 3), or `undefined` when nothing is close.
 */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const target = simplify(key);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(target, simplify(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.min(3, Math.max(1, Math.floor(target.length / 3)));
  return bestDistance <= limit ? best : undefined;
}
