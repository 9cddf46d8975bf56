import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DocumentError, parseDocumentText, readDocumentFile } from '@stepflow/runtime';
import { CliError, ExitCode } from '../cli-error.ts';
import { describeFsError } from '../data-file.ts';

/** The `schema` value that marks a YAML document as a Stepflow flow. */
export const FLOW_SCHEMA_URL = 'https://stepflow.org/schemas/v1/flow.json';

/** A file `stepflow test` found, and what a quick parse revealed. */
export type CollectedFile =
  | { readonly kind: 'flow'; readonly path: string; readonly document: Record<string, unknown> }
  | { readonly kind: 'invalid'; readonly path: string; readonly message: string };

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/**
 * Collects flow files per §7.3: explicit files, plus every `*.yaml`/`*.yml` under directories,
 * sorted. Files that are not flows (configs, manifests) are ignored when found in a directory;
 * a YAML file that does not parse, or an explicit file that is not a flow, is reported `invalid`.
 */
export async function collectFlowFiles(paths: readonly string[]): Promise<CollectedFile[]> {
  const explicit = new Set<string>();
  const candidates = new Set<string>();
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new CliError(`${path}: ${describeFsError(error)}`, ExitCode.usage, { cause: error });
    }
    if (info.isDirectory()) {
      for (const file of await yamlFilesUnder(path)) candidates.add(file);
    } else {
      explicit.add(resolve(path));
      candidates.add(path);
    }
  }
  const files: CollectedFile[] = [];
  for (const path of [...candidates].sort()) {
    const collected = await inspect(path, explicit.has(resolve(path)));
    if (collected) files.push(collected);
  }
  return files;
}

async function yamlFilesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) found.push(...(await yamlFilesUnder(path)));
    } else if (/\.ya?ml$/i.test(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

async function inspect(path: string, explicit: boolean): Promise<CollectedFile | undefined> {
  let text: string;
  try {
    text = await readDocumentFile(path);
  } catch (error) {
    const reason = DocumentError.isInstance(error) ? error.message : describeFsError(error);
    return { kind: 'invalid', path, message: `cannot read: ${reason}` };
  }
  try {
    return classify(
      path,
      parseDocumentText(text, /\.json$/i.test(path) ? 'json' : 'yaml'),
      explicit,
    );
  } catch (error) {
    if (!DocumentError.isInstance(error)) throw error;
    // A file that does not parse is reported only when it claims to be a flow (or was named
    // explicitly); other broken YAML in a searched directory is not ours to judge.
    if (!explicit && !text.includes(FLOW_SCHEMA_URL)) return undefined;
    const line = error.line === undefined ? '' : ` (line ${error.line})`;
    return { kind: 'invalid', path, message: `${error.message}${line}` };
  }
}

function classify(path: string, value: unknown, explicit: boolean): CollectedFile | undefined {
  const isFlow =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as Record<string, unknown>).schema === FLOW_SCHEMA_URL;
  if (isFlow) return { kind: 'flow', path, document: value as Record<string, unknown> };
  if (!explicit) return undefined;
  return {
    kind: 'invalid',
    path,
    message: `not a Stepflow flow (schema must be ${FLOW_SCHEMA_URL})`,
  };
}
