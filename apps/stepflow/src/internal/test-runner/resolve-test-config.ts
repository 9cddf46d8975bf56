import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, resolveConfig } from '@stepflow/runtime';
import type { LoadedConfig } from '@stepflow/runtime';
import type { CliIo } from '../cli-context.ts';
import { CliError, ExitCode } from '../cli-error.ts';
import { loadConfigOrExit } from '../load-inputs.ts';
import { replacePlaceholders } from './test-servers.ts';

/** Config files next to a flow that `stepflow test` prefers over normal discovery (§7.3). */
export const TEST_CONFIG_FILES = [
  'stepflow-config.test.yml',
  'stepflow-config.test.yaml',
  'stepflow_config.test.yml',
  'stepflow_config.test.yaml',
] as const;

/** A resolved test config and where it came from (for the report). */
export interface ResolvedTestConfig {
  readonly config: LoadedConfig;
  readonly source: string;
}

/**
 * Resolves the config for one flow file, in REF's order: `--config`, then the inline
 * `test.config` (alias `stepflow_config`; working directory = the flow's directory), then
 * `stepflow-config.test.y(a)ml` beside the flow, then normal discovery (§4.1).
 */
export async function resolveTestConfig(
  flowPath: string,
  testSection: Record<string, unknown>,
  configPath: string | undefined,
  io: CliIo,
  placeholders: ReadonlyMap<string, string> = new Map(),
): Promise<ResolvedTestConfig> {
  const common = { cwd: io.cwd, env: io.env };
  if (configPath !== undefined) {
    return { config: await loadConfigOrExit({ ...common, configPath }), source: configPath };
  }
  const inline = testSection.config ?? testSection.stepflow_config;
  if (inline !== undefined && inline !== null) {
    // REF substitutes `{name.url}` / `{name.port}` of test servers into the JSON text.
    const substituted =
      placeholders.size === 0
        ? inline
        : (JSON.parse(replacePlaceholders(JSON.stringify(inline), placeholders)) as unknown);
    return {
      config: loadInlineConfig(flowPath, substituted, io),
      source: `${flowPath} (test.config)`,
    };
  }
  const flowDirectory = dirname(flowPath);
  for (const name of TEST_CONFIG_FILES) {
    const candidate = join(flowDirectory, name);
    if (await exists(candidate)) {
      return {
        config: await loadConfigOrExit({ ...common, configPath: candidate }),
        source: candidate,
      };
    }
  }
  const config = await loadConfigOrExit({ ...common, flowPath });
  return { config, source: config.path ?? 'default config' };
}

/** Resolves an inline `test.config` with the runtime's rules; its base directory is the flow's. */
function loadInlineConfig(flowPath: string, inline: unknown, io: CliIo): LoadedConfig {
  try {
    return resolveConfig(inline, { baseDirectory: resolve(dirname(flowPath)), env: io.env });
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      throw new CliError(
        `config error: ${flowPath}: test.config: ${error.message}`,
        ExitCode.usage,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
