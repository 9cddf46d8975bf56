import { type Flow, type StepflowConfig, normalizeFlowAliases } from '@stepflow/protocol';
import {
  type TemplateIssue,
  compileTemplate,
  forEachReference,
} from '../expressions/compile-template.ts';
import { createRouter, type RouteRuleConfig, type Router } from '../routing/router.ts';
import { aliasDiagnostics } from './alias-diagnostics.ts';
import type { Diagnostic } from './diagnostic.ts';
import { type ComponentLists, staticComponentLists } from './component-lists.ts';
import { FlowCheck, isObject } from './flow-check.ts';
import { checkFlowDocument } from './flow-document-checks.ts';
import { checkStep } from './step-checks.ts';
import { FlowSteps } from './step-scope.ts';
import { templateKeyDiagnostics } from './template-key-diagnostics.ts';

/** Options of `validateFlow`. */
export interface ValidateFlowOptions {
  /** When given, step components are checked against its routes. */
  readonly config?: StepflowConfig;
  /** The document before alias normalisation, to report the aliases it used. */
  readonly raw?: unknown;
  /** The flow file, named in every diagnostic. */
  readonly file?: string;
  /**
   * Component lists of plugins beyond those known from the config alone (`builtin`, `mock`),
   * e.g. fetched from component servers; with `config`, a step whose component no plugin it may
   * be routed to has is an error.
   */
  readonly componentLists?: ComponentLists;
}

/**
 * Validates a flow statically (STEPFLOW.md §1.6 plus DECISIONS items 8-10): structure, step ids,
 * references (self, undefined, forward; in `input`, `skipIf` and `onError.defaultValue`), paths,
 * components (against routes when a config is given), unknown keys (fatal when a near miss of a
 * known key, with a did-you-mean), unknown `$` keys in templates, aliases,
 * missing name/description, unreachable steps and step schemas. Never throws.
 */
export function validateFlow(flow: Flow, options: ValidateFlowOptions = {}): Diagnostic[] {
  const check = new FlowCheck(options.file);
  if (options.raw !== undefined) {
    check.diagnostics.push(
      ...aliasDiagnostics(normalizeFlowAliases(options.raw).aliases, flow, options.file),
    );
  }
  const doc = flow as unknown as Record<string, unknown>;
  if (!isObject(doc)) {
    check.add('fatal', 'invalidFlow', 'A flow must be an object', []);
    return check.diagnostics;
  }
  checkFlowDocument(check, doc);
  const { router, lists } = routesOf(check, options);
  if (doc.steps !== undefined && doc.steps !== null && !Array.isArray(doc.steps)) {
    check.add('fatal', 'invalidField', "'steps' must be a list of steps", ['steps'], {
      field: 'steps',
    });
    return check.diagnostics;
  }
  const steps = new FlowSteps(check, doc, (doc.steps ?? []) as unknown[], router, lists);
  steps.steps.forEach((step, index) => checkStep(steps, step, index));
  checkOutput(steps, doc.output);
  for (const [id, index] of steps.indexById) {
    if (!steps.referenced.has(id)) {
      check.add(
        'warning',
        'unreachableStep',
        `Step '${id}' is not referenced by any other step or workflow output (it still runs)`,
        ['steps', index],
        { stepId: id },
      );
    }
  }
  return check.diagnostics;
}

/** The config's router and the component lists its plugins are known to have. */
function routesOf(
  check: FlowCheck,
  options: ValidateFlowOptions,
): { router: Router | undefined; lists: ComponentLists } {
  if (!options.config) return { router: undefined, lists: new Map() };
  try {
    const config = options.config as unknown as {
      plugins?: Record<string, unknown>;
      routes?: Record<string, RouteRuleConfig[]>;
    };
    return {
      router: createRouter(config.routes ?? {}, new Set(Object.keys(config.plugins ?? {}))),
      lists: new Map([...staticComponentLists(config.plugins), ...(options.componentLists ?? [])]),
    };
  } catch (error) {
    check.add('error', 'invalidRouteReference', (error as Error).message, []);
    return { router: undefined, lists: new Map() };
  }
}

/** The flow's output template: syntax, keys, and references to steps that exist. */
function checkOutput(steps: FlowSteps, outputValue: unknown): void {
  const { check } = steps;
  const issues: TemplateIssue[] = [];
  const output = compileTemplate(outputValue ?? null, issues);
  check.templateIssues(issues, ['output'], undefined, 'output');
  check.templateKeys(outputValue, ['output'], undefined);
  check.diagnostics.push(
    ...templateKeyDiagnostics(outputValue, {
      file: check.file,
      stepId: undefined,
      field: 'output',
      path: ['output'],
    }),
  );
  forEachReference(output, (ref) => {
    if (ref.source.kind !== 'step') return;
    steps.referenced.add(ref.source.stepId);
    if (!steps.indexById.has(ref.source.stepId)) {
      check.add(
        'fatal',
        'undefinedStepReference',
        `Workflow output references undefined step '${ref.source.stepId}'`,
        ['output'],
        { field: 'output' },
      );
    }
  });
}
