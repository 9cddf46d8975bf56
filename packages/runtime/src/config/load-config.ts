import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.ts';
import { DocumentError } from '../errors/document-error.ts';
import { formatOfFile, parseDocumentText } from '../loading/parse-document.ts';
import { readDocumentFile } from '../loading/read-document-file.ts';
import type { LoadConfigOptions, LoadedConfig } from './loaded-config.ts';
import { resolveDefaultConfig } from './complete-config.ts';

/** The file names config discovery looks for, in each directory (§4.1). */
export const CONFIG_FILE_NAMES = [
  'stepflow-config.yml',
  'stepflow-config.yaml',
  'stepflow_config.yml',
  'stepflow_config.yaml',
] as const;

/**
 * Finds the config file for a flow (§4.1): exactly one of {@link CONFIG_FILE_NAMES} in the flow
 * file's directory, else in `cwd`. Returns `undefined` when there is none; throws `ConfigError`
 * when a directory has more than one.
 */
export function discoverConfigFile(options: {
  flowPath?: string;
  cwd?: string;
  names?: readonly string[];
}): string | undefined {
  const names = options.names ?? CONFIG_FILE_NAMES;
  const directories: string[] = [];
  if (options.flowPath !== undefined) directories.push(dirname(resolve(options.flowPath)));
  directories.push(resolve(options.cwd ?? process.cwd()));
  for (const directory of directories) {
    const found = names.map((name) => join(directory, name)).filter((path) => existsSync(path));
    if (found.length > 1) {
      throw new ConfigError(
        `Multiple stepflow config files found in directory: ${found.join(', ')}`,
        { file: directory },
      );
    }
    if (found.length === 1) return found[0];
  }
  return undefined;
}

function configDocumentError(path: string, error: DocumentError): ConfigError {
  return new ConfigError(
    error.line === undefined ? error.message : `line ${error.line}: ${error.message}`,
    { file: path, cause: error },
  );
}

/** Reads and parses a config file (YAML or JSON) into a raw document; throws `ConfigError`. */
export async function readConfigDocument(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readDocumentFile(path);
  } catch (error) {
    if (DocumentError.isInstance(error)) throw configDocumentError(path, error);
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? 'config file not found'
        : `cannot read config: ${(error as Error).message}`,
      { file: path },
    );
  }
  try {
    return parseDocumentText(text, formatOfFile(path) ?? 'yaml');
  } catch (error) {
    if (DocumentError.isInstance(error)) throw configDocumentError(path, error);
    throw error;
  }
}

/**
 * Loads the configuration for a run (§4.1, DECISIONS 15-16): `configPath` if given, else the
 * discovered file, else the defaults (builtins routed at `/builtin/{*component}` and
 * `/{*component}`). Throws `ConfigError` naming the file and field.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const file =
    options.configPath === undefined
      ? discoverConfigFile({
          ...(options.flowPath === undefined ? {} : { flowPath: options.flowPath }),
          cwd,
        })
      : resolve(cwd, options.configPath);
  const baseDirectory =
    options.flowPath === undefined ? cwd : dirname(resolve(cwd, options.flowPath));
  const env = options.env ?? process.env;
  if (file === undefined) return resolveDefaultConfig({ baseDirectory, env });
  const document = await readConfigDocument(file);
  // Imported here: the config schemas (zod) are needed only when there is a file to check.
  const { resolveConfig } = await import('./resolve-config.ts');
  return resolveConfig(document, { file, baseDirectory, env });
}
