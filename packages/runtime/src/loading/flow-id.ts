import { blobIdOf } from '@stepflow/blob-store';
import type { Flow } from '@stepflow/protocol';
import { PathSyntaxError, formatPath, parsePath } from '../expressions/json-path.ts';

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function serializeReference(expr: JsonObject): JsonObject {
  const out: JsonObject = {};
  const from = expr.$from;
  if (isObject(from) && typeof from.step === 'string') out.$from = { step: from.step };
  else if (isObject(from) && from.workflow === 'input') out.$from = { workflow: 'input' };
  else out.$from = from;
  if (typeof expr.path === 'string' && expr.path !== '') {
    let path = expr.path;
    try {
      path = formatPath(parsePath(expr.path));
    } catch (error) {
      if (!(error instanceof PathSyntaxError)) throw error;
    }
    if (path !== '') out.path = path;
  }
  if (present(expr.onSkip)) out.onSkip = serializeAction(expr.onSkip);
  return out;
}

function serializeTemplate(value: Json): Json {
  if (Array.isArray(value)) return value.map(serializeTemplate);
  if (!isObject(value)) return value;
  if (Object.hasOwn(value, '$from')) return serializeReference(value);
  if (Object.hasOwn(value, '$literal')) return { $literal: value.$literal };
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) out[key] = serializeTemplate(child);
  return out;
}

function serializeAction(action: Json): Json {
  if (!isObject(action)) return action;
  const out: JsonObject = { action: action.action };
  if (action.action === 'useDefault' && action.defaultValue !== undefined)
    out.defaultValue = action.defaultValue;
  if (action.action === 'retry') {
    if (present(action.maxAttempts)) out.maxAttempts = action.maxAttempts;
    if (present(action.backoff)) out.backoff = action.backoff;
  }
  return out;
}

function serializeErrorAction(action: Json): Json {
  if (!isObject(action)) return action;
  const out = serializeAction(action) as JsonObject;
  if (action.action === 'useDefault' && action.defaultValue !== undefined) {
    out.defaultValue = serializeTemplate(action.defaultValue);
  }
  return out;
}

function serializeSkipIf(expr: Json): Json {
  if (isObject(expr) && Object.hasOwn(expr, '$from')) return serializeReference(expr);
  if (isObject(expr) && Object.hasOwn(expr, '$literal')) return { $literal: expr.$literal };
  return expr;
}

function serializeStep(step: Json): Json {
  if (!isObject(step)) return step;
  const out: JsonObject = { id: step.id, component: step.component };
  out.inputSchema = step.inputSchema ?? null;
  out.outputSchema = step.outputSchema ?? null;
  if (present(step.skipIf)) out.skipIf = serializeSkipIf(step.skipIf);
  if (present(step.onError)) out.onError = serializeErrorAction(step.onError);
  if (present(step.input)) out.input = serializeTemplate(step.input);
  if (isObject(step.metadata) && Object.keys(step.metadata).length > 0)
    out.metadata = step.metadata;
  if (present(step.timeoutMs)) out.timeoutMs = step.timeoutMs;
  return out;
}

function serializeTest(test: Json): Json {
  if (!isObject(test)) return test;
  const out: JsonObject = {};
  if (isObject(test.servers) && Object.keys(test.servers).length > 0) {
    const servers: JsonObject = {};
    for (const [name, server] of Object.entries(test.servers)) {
      servers[name] = isObject(server)
        ? {
            ...server,
            startupTimeoutMs: server.startupTimeoutMs ?? 10_000,
            shutdownTimeoutMs: server.shutdownTimeoutMs ?? 5_000,
          }
        : server;
    }
    out.servers = servers;
  }
  if (present(test.config)) out.config = test.config;
  if (Array.isArray(test.cases) && test.cases.length > 0) {
    out.cases = test.cases.map((testCase: Json) => {
      if (!isObject(testCase)) return testCase;
      const c: JsonObject = { name: testCase.name };
      if (present(testCase.description)) c.description = testCase.description;
      c.input = testCase.input ?? null;
      if (present(testCase.output)) c.output = testCase.output;
      return c;
    });
  }
  return out;
}

/**
 * The flow as the reference re-serialises it before hashing (STEPFLOW.md §1.7): fixed key order,
 * absent optional fields omitted, step schemas always present (`null`), paths normalised.
 */
export function serializeFlow(flow: Flow): Record<string, unknown> {
  const doc = flow as unknown as JsonObject;
  const out: JsonObject = { schema: doc.schema };
  for (const key of ['name', 'description', 'version', 'inputSchema', 'outputSchema'] as const) {
    if (present(doc[key])) out[key] = doc[key];
  }
  if (Array.isArray(doc.steps) && doc.steps.length > 0) out.steps = doc.steps.map(serializeStep);
  if (present(doc.output)) out.output = serializeTemplate(doc.output);
  if (present(doc.test)) out.test = serializeTest(doc.test);
  if (present(doc.examples)) out.examples = doc.examples;
  if (isObject(doc.metadata) && Object.keys(doc.metadata).length > 0) out.metadata = doc.metadata;
  return out;
}

const ids = new WeakMap<object, string>();

/** The flow's id: the blob id of its canonical serialisation (§1.7). Cached per flow object. */
export function flowIdOf(flow: Flow): string {
  let id = ids.get(flow);
  if (id === undefined) {
    id = blobIdOf(serializeFlow(flow));
    ids.set(flow, id);
  }
  return id;
}
