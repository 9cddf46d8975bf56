import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { LoadedConfig } from '@stepflow/runtime';
import type { CliIo } from '../cli-context.ts';
import { CliError } from '../cli-error.ts';
import { loadConfigOrExit } from '../load-inputs.ts';

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
): Promise<ResolvedTestConfig> {
  const common = { cwd: io.cwd, env: io.env };
  if (configPath !== undefined) {
    return { config: await loadConfigOrExit({ ...common, configPath }), source: configPath };
  }
  const inline = testSection.config ?? testSection.stepflow_config;
  if (inline !== undefined && inline !== null) {
    return {
      config: await loadInlineConfig(flowPath, inline, io),
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

/**
 * Loads an inline config through the same loader as a file (one set of rules for aliases,
 * defaults and env substitution): written to a private temporary file with its working
 * directory pinned to the flow's directory, then removed.
 */
async function loadInlineConfig(
  flowPath: string,
  inline: unknown,
  io: CliIo,
): Promise<LoadedConfig> {
  const flowDirectory = resolve(dirname(flowPath));
  const document =
    typeof inline === 'object' && !Array.isArray(inline)
      ? { ...(inline as Record<string, unknown>) }
      : inline;
  if (typeof document === 'object' && document !== null && !Array.isArray(document)) {
    const record = document as Record<string, unknown>;
    const key =
      'workingDirectory' in record
        ? 'workingDirectory'
        : 'working_directory' in record
          ? 'working_directory'
          : undefined;
    const given = key === undefined ? undefined : record[key];
    if (key !== undefined) delete record[key];
    record.workingDirectory =
      typeof given === 'string' && !isAbsolute(given)
        ? resolve(flowDirectory, given)
        : (given ?? flowDirectory);
  }
  const directory = await mkdtemp(join(tmpdir(), 'stepflow-test-config-'));
  const file = join(directory, 'stepflow-config.json');
  try {
    await writeFile(file, JSON.stringify(document));
    return await loadConfigOrExit({ configPath: file, cwd: io.cwd, env: io.env });
  } catch (error) {
    if (error instanceof CliError) {
      throw new CliError(
        error.message.replaceAll(file, `${flowPath} (test.config)`),
        error.exitCode,
        {
          cause: error,
        },
      );
    }
    throw error;
  } finally {
    await rm(directory, { recursive: true, force: true });
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
