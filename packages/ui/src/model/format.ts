/** A duration in ms as short text (`850 ms`, `12.3 s`, `4 min 02 s`). */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  if (minutes < 60) return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A time as local date and time text. */
export function formatTime(at: string | number | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString();
}

/** Milliseconds between two ISO times (or to now while `end` is absent). */
export function elapsed(start: string, end: string | null, now = Date.now()): number {
  return (end === null ? now : Date.parse(end)) - Date.parse(start);
}
