import type { AliasUse, NormalizedAliases } from '../alias-use.ts';
import { normalizeConfig } from '../config/normalize-config-aliases.ts';
import type { Path } from '../internal/rename-keys.ts';
import { isObject, mapField, mapItems, mapValues, renameKeys } from '../internal/rename-keys.ts';

import {
  BACKOFF_ALIASES as BACKOFF,
  ERROR_ACTION_ALIASES as ERROR_ACTION,
  FLOW_ALIASES as FLOW,
  HEALTH_CHECK_ALIASES as HEALTH_CHECK,
  REFERENCE_ALIASES as REFERENCE,
  SKIP_ACTION_ALIASES as SKIP_ACTION,
  STEP_ALIASES as STEP,
  TEST_ALIASES as TEST,
  TEST_SERVER_ALIASES as TEST_SERVER,
} from '../internal/flow-aliases.ts';

/**
 * Rewrites the snake_case spellings of flow keys (`input_schema`, `output_schema`, `skip_if`,
 * `on_error`, `on_skip`, `default_value`, `max_attempts`, `timeout_ms`, test-server keys, …) to
 * their camelCase names and lists every alias found, so the caller can warn about each.
 *
 * Only keys the flow format defines are renamed. Data is never touched: the contents of step
 * `input` and flow `output` other than the keys of `$from` expressions, `$literal` values,
 * `onSkip.defaultValue`, JSON schemas, `metadata`, examples and test case inputs and outputs.
 * A flow's `test.config` is normalised like a config file. The input is not mutated.
 *
 * @example
 * ```ts
 * const { value, aliases } = normalizeFlowAliases(parseYaml(text));
 * for (const a of aliases) warn(`${a.path.join('.')}: use ${a.canonical} instead of ${a.alias}`);
 * const flow = FlowSchema.parse(value);
 * ```
 */
export function normalizeFlowAliases(raw: unknown): NormalizedAliases {
  const aliases: AliasUse[] = [];
  if (!isObject(raw)) return { value: raw, aliases };
  const flow = renameKeys(raw, FLOW, [], aliases);
  mapField(flow, 'steps', (steps) =>
    mapItems(steps, (step, index) => normalizeStep(step, ['steps', index], aliases)),
  );
  mapField(flow, 'output', (output) => normalizeTemplate(output, ['output'], aliases));
  mapField(flow, 'test', (test) => normalizeTest(test, ['test'], aliases));
  return { value: flow, aliases };
}

function normalizeStep(raw: unknown, path: Path, aliases: AliasUse[]): unknown {
  if (!isObject(raw)) return raw;
  const step = renameKeys(raw, STEP, path, aliases);
  mapField(step, 'skipIf', (expr) => normalizeExpr(expr, [...path, 'skipIf'], aliases));
  mapField(step, 'input', (input) => normalizeTemplate(input, [...path, 'input'], aliases));
  mapField(step, 'onError', (action) =>
    normalizeErrorAction(action, [...path, 'onError'], aliases),
  );
  return step;
}

function normalizeErrorAction(raw: unknown, path: Path, aliases: AliasUse[]): unknown {
  if (!isObject(raw)) return raw;
  const action = renameKeys(raw, ERROR_ACTION, path, aliases);
  mapField(action, 'defaultValue', (value) =>
    normalizeTemplate(value, [...path, 'defaultValue'], aliases),
  );
  mapField(action, 'backoff', (backoff) =>
    isObject(backoff) ? renameKeys(backoff, BACKOFF, [...path, 'backoff'], aliases) : backoff,
  );
  return action;
}

/** An `Expr` (skipIf): only a top-level `$from` object is an expression. */
function normalizeExpr(raw: unknown, path: Path, aliases: AliasUse[]): unknown {
  return isObject(raw) && Object.hasOwn(raw, '$from')
    ? normalizeReference(raw, path, aliases)
    : raw;
}

function normalizeReference(
  raw: Record<string, unknown>,
  path: Path,
  aliases: AliasUse[],
): unknown {
  const reference = renameKeys(raw, REFERENCE, path, aliases);
  mapField(reference, 'onSkip', (action) =>
    isObject(action) ? renameKeys(action, SKIP_ACTION, [...path, 'onSkip'], aliases) : action,
  );
  return reference;
}

/** A template: walk containers, normalise `$from` objects, leave `$literal` and data keys alone. */
function normalizeTemplate(raw: unknown, path: Path, aliases: AliasUse[]): unknown {
  if (Array.isArray(raw))
    return raw.map((item: unknown, index) => normalizeTemplate(item, [...path, index], aliases));
  if (!isObject(raw)) return raw;
  if (Object.hasOwn(raw, '$from')) return normalizeReference(raw, path, aliases);
  if (Object.hasOwn(raw, '$literal')) return raw;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw))
    result[key] = normalizeTemplate(value, [...path, key], aliases);
  return result;
}

function normalizeTest(raw: unknown, path: Path, aliases: AliasUse[]): unknown {
  if (!isObject(raw)) return raw;
  const test = renameKeys(raw, TEST, path, aliases);
  mapField(test, 'servers', (servers) =>
    mapValues(servers, (server, name) =>
      normalizeTestServer(server, [...path, 'servers', name], aliases),
    ),
  );
  mapField(test, 'config', (config) => normalizeConfig(config, [...path, 'config'], aliases));
  return test;
}

function normalizeTestServer(raw: unknown, path: Path, aliases: AliasUse[]): unknown {
  if (!isObject(raw)) return raw;
  const server = renameKeys(raw, TEST_SERVER, path, aliases);
  mapField(server, 'healthCheck', (check) =>
    isObject(check) ? renameKeys(check, HEALTH_CHECK, [...path, 'healthCheck'], aliases) : check,
  );
  return server;
}
