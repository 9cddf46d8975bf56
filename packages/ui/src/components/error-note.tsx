/** An error message, announced to screen readers. */
export function ErrorNote({ error }: { readonly error: unknown }) {
  if (error === undefined || error === null) return null;
  const text =
    error instanceof Error
      ? error.message
      : typeof error === 'string'
        ? error
        : JSON.stringify(error);
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}
