import { ConfigError } from '@stepflow/runtime';
import type { PluginFactoryArgs } from '@stepflow/runtime';

const URL_SCHEMES: Readonly<Record<string, readonly string[]>> = {
  http: ['http:', 'https:'],
  websocket: ['ws:', 'wss:'],
};

/**
 * Checks the `url` of a network `type: stepflow` plugin when the runtime is created, so a typo
 * is a config error naming the plugin and field instead of a server that "fails to start" at
 * first use. Other plugins pass unchecked. Throws `ConfigError` (field `plugins.<name>.url`).
 */
export function checkNetworkPluginUrl(args: PluginFactoryArgs): void {
  const config = args.config as Readonly<Record<string, unknown>>;
  const transport = config.transport;
  if (typeof transport !== 'string') return;
  const schemes = URL_SCHEMES[transport];
  if (schemes === undefined) return;
  const field = `plugins.${args.name}.url`;
  const url = config.url;
  if (typeof url !== 'string' || url === '') {
    throw new ConfigError(`transport '${transport}' needs a 'url'`, { field });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`'${url}' is not a valid URL`, { field });
  }
  if (!schemes.includes(parsed.protocol)) {
    const expected = schemes.map((scheme) => `${scheme}//`).join(' or ');
    throw new ConfigError(`transport '${transport}' needs a ${expected} URL, got '${url}'`, {
      field,
    });
  }
}
