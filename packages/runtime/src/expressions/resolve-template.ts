import type { FlowError, FlowResult } from '@stepflow/protocol';
import { applyPath } from './json-path.ts';
import { type RefNode, type TemplateNode, describeReference } from './compile-template.ts';

/** Outcome of resolving a template against the input and recorded step results. */
export type Resolution =
  | { readonly status: 'success'; readonly value: unknown }
  | { readonly status: 'skipped' }
  | { readonly status: 'failed'; readonly error: FlowError; readonly stepId: string }
  | { readonly status: 'error'; readonly message: string };

/** What templates are resolved against. */
export interface ResolutionScope {
  readonly input: unknown;
  /** Recorded result of a step; `undefined` when it has none (yet). */
  stepResult(stepId: string): FlowResult | undefined;
}

const SKIPPED: Resolution = { status: 'skipped' };

function resolveRef(ref: RefNode, scope: ResolutionScope): Resolution {
  let base: unknown;
  if (ref.source.kind === 'input') {
    base = scope.input;
  } else {
    const result = scope.stepResult(ref.source.stepId);
    if (result === undefined) {
      return {
        status: 'error',
        message: `${describeReference(ref)}: step '${ref.source.stepId}' has no result`,
      };
    }
    if (result.outcome === 'failed') {
      return { status: 'failed', error: result.error, stepId: ref.source.stepId };
    }
    if (result.outcome === 'skipped') {
      return ref.onSkipDefault ? { status: 'success', value: ref.onSkipDefault.value } : SKIPPED;
    }
    base = result.result;
  }
  if (ref.path.length === 0) return { status: 'success', value: base };
  const lookup = applyPath(base, ref.path);
  if (!lookup.found) {
    return { status: 'error', message: `${describeReference(ref)}: ${lookup.reason}` };
  }
  return { status: 'success', value: lookup.value };
}

/**
 * Resolves a compiled template (§2.4): references read the input or a step's result, then the
 * path, then `onSkip`; in containers the first skipped, failed or erroneous child wins.
 */
export function resolveTemplate(node: TemplateNode, scope: ResolutionScope): Resolution {
  switch (node.kind) {
    case 'literal':
      return { status: 'success', value: node.value };
    case 'ref':
      return resolveRef(node, scope);
    case 'array': {
      const out: unknown[] = new Array(node.items.length);
      for (let i = 0; i < node.items.length; i++) {
        const child = resolveTemplate(node.items[i]!, scope);
        if (child.status !== 'success') return child;
        out[i] = child.value;
      }
      return { status: 'success', value: out };
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < node.keys.length; i++) {
        const child = resolveTemplate(node.values[i]!, scope);
        if (child.status !== 'success') return child;
        setOwn(out, node.keys[i]!, child.value);
      }
      return { status: 'success', value: out };
    }
  }
}

/** Sets a key as an own data property (so a `__proto__` key stays data, as `JSON.parse` does). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
