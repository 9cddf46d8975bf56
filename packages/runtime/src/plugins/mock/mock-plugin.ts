import { type FlowResult, ErrorCodes } from '@stepflow/protocol';
import { ComponentError } from '../../errors/component-error.ts';
import { canonicalJson } from '../../internal/canonical-json.ts';
import { redactSecrets } from '../../internal/redact-secrets.ts';
import { didYouMean } from '../../validation/did-you-mean.ts';
import type { Plugin, PluginFactory } from '../plugin.ts';

interface MockComponent {
  readonly inputSchema: Record<string, unknown> | null;
  readonly outputSchema: Record<string, unknown> | null;
  /** Behaviours by canonical JSON of the input. */
  readonly byInput: Map<string, unknown>;
  /** Behaviours whose key is not JSON text, matched against string inputs verbatim. */
  readonly byString: Map<string, unknown>;
}

function canonicalKey(key: unknown): { canonical: string; raw?: string } {
  if (typeof key !== 'string') return { canonical: canonicalJson(key) };
  try {
    return { canonical: canonicalJson(JSON.parse(key)), raw: key };
  } catch {
    return { canonical: canonicalJson(key), raw: key };
  }
}

function compileComponent(config: Record<string, unknown>): MockComponent {
  const byInput = new Map<string, unknown>();
  const byString = new Map<string, unknown>();
  const behaviors = config.behaviors;
  const entries: [unknown, unknown][] =
    behaviors instanceof Map
      ? [...(behaviors as Map<unknown, unknown>)]
      : typeof behaviors === 'object' && behaviors !== null
        ? Object.entries(behaviors)
        : [];
  for (const [key, behavior] of entries) {
    const { canonical, raw } = canonicalKey(key);
    if (!byInput.has(canonical)) byInput.set(canonical, behavior);
    if (raw !== undefined) byString.set(raw, behavior);
  }
  const schema = (value: unknown): Record<string, unknown> | null =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  return {
    inputSchema: schema(config.input_schema),
    outputSchema: schema(config.output_schema),
    byInput,
    byString,
  };
}

/**
 * The `mock` plugin (§4.3): each component answers exact inputs with canned behaviours. A
 * behaviour is a FlowResult (returned as is) or `{error: message}` (a step failure). Keys are the
 * input's JSON (YAML complex keys arrive as canonical JSON text); a plain string key also matches
 * that string input. An input without a behaviour fails the step.
 */
export const mockPluginFactory: PluginFactory = ({ name, config }): Plugin => {
  const components = new Map<string, MockComponent>();
  const configured = (config.components ?? {}) as Record<string, Record<string, unknown>>;
  for (const [path, component] of Object.entries(configured))
    components.set(path, compileComponent(component));
  return {
    name,
    async listComponents() {
      return [...components].map(([path, component]) => ({
        component: path,
        input_schema: component.inputSchema,
        output_schema: component.outputSchema,
      }));
    },
    async execute({ component: path, input }): Promise<FlowResult> {
      const component = components.get(path);
      if (!component) {
        const suggestion = didYouMean(path, [...components.keys()]);
        throw new ComponentError(
          ErrorCodes.componentNotFound,
          `Component '${path}' not found in mock plugin '${name}'${suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`}`,
        );
      }
      let behavior = component.byInput.get(canonicalJson(input));
      if (behavior === undefined && typeof input === 'string')
        behavior = component.byString.get(input);
      if (behavior === undefined) {
        throw new ComponentError(
          ErrorCodes.componentExecutionFailed,
          `No behavior defined for ${path} on ${JSON.stringify(redactSecrets(input))}`,
        );
      }
      const b = behavior as Record<string, unknown>;
      if (typeof b === 'object' && b !== null && typeof b.outcome === 'string')
        return b as unknown as FlowResult;
      if (typeof b === 'object' && b !== null && typeof b.error === 'string') {
        throw new ComponentError(ErrorCodes.componentExecutionFailed, b.error);
      }
      throw new ComponentError(
        ErrorCodes.internalError,
        `Behavior for ${path} on ${JSON.stringify(redactSecrets(input))} is neither a FlowResult nor {error}`,
      );
    },
    async close() {},
  };
};
