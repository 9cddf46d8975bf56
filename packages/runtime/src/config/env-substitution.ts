/** Thrown when a `${VAR}` has no value and no default. */
export class UnsetVariableError extends Error {
  override readonly name = 'UnsetVariableError';
  constructor(readonly variable: string) {
    super(`environment variable '${variable}' is not set and has no default`);
  }
}

const PATTERN = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Substitutes `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:default}` (DECISIONS item 16).
 * `$$` is a literal `$`. Throws `UnsetVariableError` for an unset variable without a default.
 * (REF keeps the `-` of `:-`; we follow POSIX.)
 */
export function substituteEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const parts = text.split('$$');
  return parts
    .map((part) =>
      part.replace(
        PATTERN,
        (
          _whole,
          braced: string | undefined,
          separator: string | undefined,
          fallback: string | undefined,
          bare: string | undefined,
        ) => {
          const name = (braced ?? bare)!;
          const value = env[name];
          if (value !== undefined && !(separator === ':-' && value === '')) return value;
          if (separator !== undefined) return fallback ?? '';
          throw new UnsetVariableError(name);
        },
      ),
    )
    .join('$');
}
