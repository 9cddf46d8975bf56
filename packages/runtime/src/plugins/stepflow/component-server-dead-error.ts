import { hasErrorMarker, markError } from '../../errors/error-marker.ts';

const NAME = 'ComponentServerDeadError';

/**
 * A component server plugin gave up: its server could not be started, or crashed too many times
 * in a row. Every step routed to the plugin fails with this error (naming the plugin and the last
 * failure); steps routed elsewhere are unaffected. Local error: never serialised.
 */
export class ComponentServerDeadError extends Error {
  override readonly name = NAME;
  /** Stable, readable error code. */
  readonly code = 'component-server-dead';
  /** The plugin's name in the config. */
  readonly plugin: string;

  constructor(plugin: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.plugin = plugin;
    markError(this, NAME);
  }

  /** Whether `value` is a `ComponentServerDeadError` (works across package copies). */
  static isInstance(value: unknown): value is ComponentServerDeadError {
    return hasErrorMarker(value, NAME);
  }
}
