import { useState } from 'preact/hooks';

/** Asks for the service's token; it is kept in this tab's session storage only. */
export function LoginForm({
  rejected,
  onToken,
}: {
  readonly rejected: boolean;
  readonly onToken: (token: string) => void;
}) {
  const [value, setValue] = useState('');
  return (
    <form
      class="login"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim() !== '') onToken(value.trim());
      }}
    >
      <h1>Sign in</h1>
      <p>
        This service wants a token (the one given to <code>stepflow serve --token</code>).
      </p>
      <label for="token">Token</label>
      <input
        id="token"
        type="password"
        autoComplete="current-password"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      {rejected ? (
        <p class="error" role="alert">
          That token was refused.
        </p>
      ) : null}
      <button type="submit">Sign in</button>
    </form>
  );
}
