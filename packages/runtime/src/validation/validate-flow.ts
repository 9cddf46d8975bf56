import {
  FLOW_SCHEMA_URL,
  type Flow,
  type StepflowConfig,
  normalizeFlowAliases,
} from '@stepflow/protocol';
import {
  type RefNode,
  type TemplateIssue,
  type TemplateNode,
  compileExpr,
  compileTemplate,
  forEachReference,
} from '../expressions/compile-template.ts';
import type { PathSegment } from '../expressions/json-path.ts';
import { createRouter, type RouteRuleConfig, type Router } from '../routing/router.ts';
import { compileJsonSchema } from '../internal/json-schema.ts';
import { aliasDiagnostics } from './alias-diagnostics.ts';
import type { Diagnostic, DiagnosticLevel } from './diagnostic.ts';
import {
  type ComponentLists,
  missingComponentReason,
  staticComponentLists,
} from './component-lists.ts';
import { didYouMean } from './did-you-mean.ts';
import { pauseStepDiagnostics } from './pause-step-diagnostics.ts';
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

const FLOW_KEYS = [
  'schema',
  'name',
  'description',
  'version',
  'inputSchema',
  'outputSchema',
  'steps',
  'output',
  'test',
  'examples',
  'metadata',
];
const STEP_KEYS = [
  'id',
  'component',
  'inputSchema',
  'outputSchema',
  'skipIf',
  'onError',
  'input',
  'metadata',
  'timeoutMs',
];
const REFERENCE_KEYS = ['$from', 'path', 'onSkip'];
const ERROR_ACTION_KEYS: Record<string, readonly string[]> = {
  fail: ['action'],
  skip: ['action'],
  useDefault: ['action', 'defaultValue'],
  retry: ['action', 'maxAttempts', 'backoff'],
};
const BACKOFF_KEYS = ['initialMs', 'multiplier', 'maxMs', 'jitter'];
const SKIP_ACTION_KEYS = ['action', 'defaultValue'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The sub-schema a path leads to through `properties` and `items` (best effort). */
function schemaAt(schema: unknown, path: readonly PathSegment[]): unknown {
  let current = schema;
  for (const segment of path) {
    if (!isObject(current)) return undefined;
    if (segment.kind === 'field')
      current = isObject(current.properties) ? current.properties[segment.name] : undefined;
    else
      current = Array.isArray(current.prefixItems)
        ? current.prefixItems[segment.index]
        : current.items;
  }
  return current;
}

/** Whether a schema explicitly admits `null` (`type: null`, a type list with null, `nullable`). */
function schemaAllowsNull(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  if (schema.type === 'null' || schema.nullable === true) return true;
  if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
  const variants = [schema.anyOf, schema.oneOf].flatMap((v) =>
    Array.isArray(v) ? (v as unknown[]) : [],
  );
  return variants.some(schemaAllowsNull);
}

/**
 * Validates a flow statically (STEPFLOW.md §1.6 plus DECISIONS items 8-10): structure, step ids,
 * references (self, undefined, forward; in `input`, `skipIf` and `onError.defaultValue`), paths,
 * components (against routes when a config is given), unknown keys (fatal when a near miss of a
 * known key, with a did-you-mean), unknown `$` keys in templates, aliases,
 * missing name/description, unreachable steps and step schemas. Never throws.
 */
export function validateFlow(flow: Flow, options: ValidateFlowOptions = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const file = options.file;
  const add = (
    level: DiagnosticLevel,
    type: string,
    message: string,
    path: readonly (string | number)[],
    extra: { stepId?: string; field?: string } = {},
  ): void => {
    diagnostics.push({
      level,
      type,
      message,
      path: [...path],
      ...(file === undefined ? {} : { file }),
      ...(extra.stepId === undefined ? {} : { stepId: extra.stepId }),
      ...(extra.field === undefined ? {} : { field: extra.field }),
    });
  };

  if (options.raw !== undefined) {
    diagnostics.push(...aliasDiagnostics(normalizeFlowAliases(options.raw).aliases, flow, file));
  }

  const doc = flow as unknown as Record<string, unknown>;
  if (!isObject(doc)) {
    add('fatal', 'invalidFlow', 'A flow must be an object', []);
    return diagnostics;
  }

  const unknownKeys = (
    value: Record<string, unknown>,
    known: readonly string[],
    path: readonly (string | number)[],
    what: string,
    stepId?: string,
  ): void => {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      // A misspelt key (`timeoutMS`, `inptu`) would drop what it sets without a word: fatal.
      const suggestion = didYouMean(key, known);
      add(
        suggestion === undefined ? 'warning' : 'fatal',
        suggestion === undefined ? 'unknownKey' : 'misspelledKey',
        suggestion === undefined
          ? `Unknown key '${key}' in ${what}; it is ignored`
          : `Unknown key '${key}' in ${what} (did you mean '${suggestion}'?): as written it would be ignored`,
        [...path, key],
        {
          ...(stepId === undefined ? {} : { stepId }),
          field: key,
        },
      );
    }
  };

  if (doc.schema !== FLOW_SCHEMA_URL) {
    add(
      'fatal',
      'invalidFlowSchema',
      doc.schema === undefined
        ? `Missing 'schema: ${FLOW_SCHEMA_URL}'`
        : `Unsupported flow schema ${JSON.stringify(doc.schema)} (expected '${FLOW_SCHEMA_URL}')`,
      ['schema'],
      { field: 'schema' },
    );
  }
  unknownKeys(doc, FLOW_KEYS, [], 'the flow');
  for (const key of ['name', 'description', 'version'] as const) {
    const value = doc[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      add(
        'error',
        'invalidField',
        `The flow's ${key} must be a string, got ${JSON.stringify(value)}`,
        [key],
        { field: key },
      );
    }
  }
  for (const key of ['metadata', 'test'] as const) {
    const value = doc[key];
    if (value !== undefined && value !== null && !isObject(value)) {
      add('error', 'invalidField', `The flow's ${key} must be an object`, [key], { field: key });
    }
  }
  if (doc.examples !== undefined && doc.examples !== null && !Array.isArray(doc.examples)) {
    add('error', 'invalidField', "The flow's examples must be a list", ['examples'], {
      field: 'examples',
    });
  }
  if (typeof doc.name !== 'string' || doc.name.trim() === '')
    add('warning', 'missingWorkflowName', 'Workflow has no name defined', ['name'], {
      field: 'name',
    });
  if (typeof doc.description !== 'string' || doc.description.trim() === '')
    add(
      'warning',
      'missingWorkflowDescription',
      'Workflow has no description defined',
      ['description'],
      { field: 'description' },
    );
  for (const key of ['inputSchema', 'outputSchema'] as const) {
    const schema = doc[key];
    if (schema === undefined || schema === null) continue;
    const problem = compileJsonSchema(schema).problem;
    if (problem)
      add(
        'warning',
        'invalidSchema',
        `The flow's ${key} is not a valid JSON Schema: ${problem}`,
        [key],
        { field: key },
      );
  }

  let router: Router | undefined;
  let lists: ComponentLists = new Map();
  if (options.config) {
    try {
      const config = options.config as unknown as {
        plugins?: Record<string, unknown>;
        routes?: Record<string, RouteRuleConfig[]>;
      };
      router = createRouter(config.routes ?? {}, new Set(Object.keys(config.plugins ?? {})));
      lists = new Map([...staticComponentLists(config.plugins), ...(options.componentLists ?? [])]);
    } catch (error) {
      add('error', 'invalidRouteReference', (error as Error).message, []);
    }
  }

  if (doc.steps !== undefined && doc.steps !== null && !Array.isArray(doc.steps)) {
    add('fatal', 'invalidField', "'steps' must be a list of steps", ['steps'], { field: 'steps' });
    return diagnostics;
  }
  const steps = (doc.steps ?? []) as unknown[];
  const indexById = new Map<string, number>();
  const referenced = new Set<string>();

  const checkReferences = (
    node: TemplateNode,
    stepIndex: number,
    stepId: string,
    field: string,
    path: readonly (string | number)[],
  ): void => {
    forEachReference(node, (ref: RefNode) => {
      if (ref.source.kind !== 'step') return;
      const target = ref.source.stepId;
      referenced.add(target);
      if (target === stepId) {
        add(
          'fatal',
          'selfReference',
          `Step '${stepId}' cannot reference itself (in ${field})`,
          path,
          { stepId, field },
        );
        return;
      }
      const targetIndex = indexById.get(target);
      if (targetIndex === undefined || targetIndex > stepIndex) {
        const later = steps.some((s, i) => i > stepIndex && isObject(s) && s.id === target);
        add(
          'fatal',
          'undefinedStepReference',
          `Step '${stepId}' references undefined step '${target}' (in ${field})${later ? `: '${target}' is declared later, and a step may only reference earlier steps` : ''}`,
          path,
          { stepId, field },
        );
      }
    });
  };

  const templateIssues = (
    issues: TemplateIssue[],
    path: readonly (string | number)[],
    stepId: string | undefined,
    field: string,
  ): void => {
    for (const issue of issues) {
      const where = stepId === undefined ? field : `step '${stepId}' ${field}`;
      add('fatal', issue.type, `${issue.message} (in ${where})`, [...path, ...issue.path], {
        ...(stepId === undefined ? {} : { stepId }),
        field,
      });
    }
  };

  const checkTemplateKeys = (
    value: unknown,
    path: readonly (string | number)[],
    stepId: string | undefined,
  ): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => checkTemplateKeys(item, [...path, index], stepId));
      return;
    }
    if (!isObject(value)) return;
    if (Object.hasOwn(value, '$from')) {
      unknownKeys(value, REFERENCE_KEYS, path, 'a reference', stepId);
      if (isObject(value.onSkip))
        unknownKeys(value.onSkip, SKIP_ACTION_KEYS, [...path, 'onSkip'], 'onSkip', stepId);
      return;
    }
    if (Object.hasOwn(value, '$literal')) return;
    for (const [key, child] of Object.entries(value))
      checkTemplateKeys(child, [...path, key], stepId);
  };

  steps.forEach((rawStep, index) => {
    const path = ['steps', index];
    if (!isObject(rawStep)) {
      add('fatal', 'invalidField', `Step ${index} must be an object`, path);
      return;
    }
    const step = rawStep;
    const id = typeof step.id === 'string' ? step.id : '';
    if (id.trim() === '') {
      add('fatal', 'emptyStepId', `Step ID cannot be empty (step ${index})`, [...path, 'id'], {
        field: 'id',
      });
    } else if (indexById.has(id)) {
      add('fatal', 'duplicateStepId', `Duplicate step ID: '${id}'`, [...path, 'id'], {
        stepId: id,
        field: 'id',
      });
    }
    const stepId = id.trim() === '' ? `#${index}` : id;
    unknownKeys(step, STEP_KEYS, path, `step '${stepId}'`, stepId);

    if (typeof step.component !== 'string' || step.component === '') {
      add(
        'fatal',
        'missingComponent',
        `Step '${stepId}' has no component`,
        [...path, 'component'],
        { stepId, field: 'component' },
      );
    } else if (!step.component.startsWith('/')) {
      add(
        'error',
        'invalidComponent',
        `Invalid component '${step.component}' in step '${stepId}': Component path must start with '/'`,
        [...path, 'component'],
        { stepId, field: 'component' },
      );
    } else if (router) {
      const reason = router.matches(step.component)
        ? missingComponentReason(step.component, router.targets(step.component), lists)
        : 'no route matches it';
      if (reason !== undefined)
        add(
          'error',
          'unknownComponent',
          `Step '${stepId}' uses component '${step.component}', but ${reason}`,
          [...path, 'component'],
          { stepId, field: 'component' },
        );
    }

    const inputIssues: TemplateIssue[] = [];
    const input = compileTemplate(step.input ?? null, inputIssues);
    templateIssues(inputIssues, [...path, 'input'], stepId, 'input');
    checkReferences(input, index, id, 'input', [...path, 'input']);
    checkTemplateKeys(step.input, [...path, 'input'], stepId);
    diagnostics.push(
      ...templateKeyDiagnostics(step.input, {
        file,
        stepId,
        field: 'input',
        path: [...path, 'input'],
      }),
      ...templateKeyDiagnostics(step.skipIf, {
        file,
        stepId,
        field: 'skipIf',
        path: [...path, 'skipIf'],
      }),
      ...pauseStepDiagnostics(step, stepId, path, file),
    );

    if (step.skipIf !== undefined && step.skipIf !== null) {
      const skipIssues: TemplateIssue[] = [];
      const skipIf = compileExpr(step.skipIf, skipIssues);
      templateIssues(skipIssues, [...path, 'skipIf'], stepId, 'skipIf');
      checkReferences(skipIf, index, id, 'skipIf', [...path, 'skipIf']);
      if (isObject(step.skipIf) && Object.hasOwn(step.skipIf, '$from'))
        unknownKeys(step.skipIf, REFERENCE_KEYS, [...path, 'skipIf'], 'skipIf', stepId);
      if (skipIf.kind === 'ref') {
        const target =
          skipIf.source.kind === 'input' ? doc : steps[indexById.get(skipIf.source.stepId) ?? -1];
        const schema = isObject(target)
          ? skipIf.source.kind === 'input'
            ? target.inputSchema
            : target.outputSchema
          : undefined;
        if (schemaAllowsNull(schemaAt(schema, skipIf.path))) {
          add(
            'warning',
            'skipIfNull',
            `Step '${stepId}': skipIf may resolve to null, which does not skip here (the reference implementation treats null as truthy and skips)`,
            [...path, 'skipIf'],
            { stepId, field: 'skipIf' },
          );
        }
      }
    }

    if (step.onError !== undefined && step.onError !== null) {
      const onError = step.onError;
      const actionKeys =
        isObject(onError) && typeof onError.action === 'string'
          ? ERROR_ACTION_KEYS[onError.action]
          : undefined;
      if (!isObject(onError) || !actionKeys) {
        add(
          'fatal',
          'invalidErrorAction',
          `Step '${stepId}' has an invalid onError: expected action fail, skip, useDefault or retry, got ${JSON.stringify(isObject(onError) ? onError.action : onError)}`,
          [...path, 'onError'],
          { stepId, field: 'onError' },
        );
      } else {
        unknownKeys(
          onError,
          actionKeys,
          [...path, 'onError'],
          `onError of step '${stepId}'`,
          stepId,
        );
        if (
          onError.action === 'useDefault' &&
          onError.defaultValue !== undefined &&
          onError.defaultValue !== null
        ) {
          const defaultIssues: TemplateIssue[] = [];
          const defaultValue = compileTemplate(onError.defaultValue, defaultIssues);
          templateIssues(
            defaultIssues,
            [...path, 'onError', 'defaultValue'],
            stepId,
            'onError.defaultValue',
          );
          checkReferences(defaultValue, index, id, 'onError.defaultValue', [
            ...path,
            'onError',
            'defaultValue',
          ]);
        }
        if (onError.action === 'retry') {
          if (
            onError.maxAttempts !== undefined &&
            (!Number.isInteger(onError.maxAttempts) || (onError.maxAttempts as number) < 1)
          ) {
            add(
              'fatal',
              'invalidField',
              `Step '${stepId}': onError.maxAttempts must be an integer of at least 1`,
              [...path, 'onError', 'maxAttempts'],
              { stepId, field: 'onError.maxAttempts' },
            );
          }
          if (onError.backoff !== undefined) {
            if (!isObject(onError.backoff)) {
              add(
                'fatal',
                'invalidField',
                `Step '${stepId}': onError.backoff must be an object`,
                [...path, 'onError', 'backoff'],
                { stepId, field: 'onError.backoff' },
              );
            } else {
              unknownKeys(
                onError.backoff,
                BACKOFF_KEYS,
                [...path, 'onError', 'backoff'],
                `onError.backoff of step '${stepId}'`,
                stepId,
              );
              for (const key of ['initialMs', 'multiplier', 'maxMs'] as const) {
                const value = onError.backoff[key];
                if (value !== undefined && (typeof value !== 'number' || value < 0)) {
                  add(
                    'fatal',
                    'invalidField',
                    `Step '${stepId}': onError.backoff.${key} must be a non-negative number`,
                    [...path, 'onError', 'backoff', key],
                    { stepId, field: `onError.backoff.${key}` },
                  );
                }
              }
            }
          }
        }
      }
    }

    if (
      step.timeoutMs !== undefined &&
      step.timeoutMs !== null &&
      (typeof step.timeoutMs !== 'number' || !(step.timeoutMs > 0))
    ) {
      add(
        'fatal',
        'invalidField',
        `Step '${stepId}': timeoutMs must be a positive number of milliseconds`,
        [...path, 'timeoutMs'],
        { stepId, field: 'timeoutMs' },
      );
    }
    for (const key of ['inputSchema', 'outputSchema'] as const) {
      const schema = step[key];
      if (schema === undefined || schema === null) continue;
      const problem = compileJsonSchema(schema).problem;
      if (problem)
        add(
          'warning',
          'invalidSchema',
          `Step '${stepId}': ${key} is not a valid JSON Schema: ${problem}`,
          [...path, key],
          { stepId, field: key },
        );
    }
    if (id.trim() !== '' && !indexById.has(id)) indexById.set(id, index);
  });

  const outputIssues: TemplateIssue[] = [];
  const output = compileTemplate(doc.output ?? null, outputIssues);
  templateIssues(outputIssues, ['output'], undefined, 'output');
  checkTemplateKeys(doc.output, ['output'], undefined);
  diagnostics.push(
    ...templateKeyDiagnostics(doc.output, {
      file,
      stepId: undefined,
      field: 'output',
      path: ['output'],
    }),
  );
  forEachReference(output, (ref) => {
    if (ref.source.kind !== 'step') return;
    referenced.add(ref.source.stepId);
    if (!indexById.has(ref.source.stepId)) {
      add(
        'fatal',
        'undefinedStepReference',
        `Workflow output references undefined step '${ref.source.stepId}'`,
        ['output'],
        { field: 'output' },
      );
    }
  });

  for (const [id, index] of indexById) {
    if (!referenced.has(id)) {
      add(
        'warning',
        'unreachableStep',
        `Step '${id}' is not referenced by any other step or workflow output (it still runs)`,
        ['steps', index],
        { stepId: id },
      );
    }
  }
  return diagnostics;
}
