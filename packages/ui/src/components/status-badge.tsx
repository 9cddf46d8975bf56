/** A run's or step's status as a coloured label (the colour is never the only cue). */
export function StatusBadge({ status }: { readonly status: string }) {
  return <span class={`badge status-${status}`}>{status}</span>;
}
