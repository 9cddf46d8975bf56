/** Most characters of a value shown: a huge output must not freeze the page. */
const MAX_SHOWN = 200_000;

/** A JSON value, pretty-printed, under an optional heading. */
export function JsonView({ value, label }: { readonly value: unknown; readonly label?: string }) {
  let text = value === undefined ? '—' : JSON.stringify(value, null, 2);
  if (text.length > MAX_SHOWN)
    text = `${text.slice(0, MAX_SHOWN)}\n… (${text.length - MAX_SHOWN} more characters)`;
  return (
    <figure class="json">
      {label === undefined ? null : <figcaption>{label}</figcaption>}
      <pre tabIndex={0} aria-label={label ?? 'JSON value'}>
        {text}
      </pre>
    </figure>
  );
}
