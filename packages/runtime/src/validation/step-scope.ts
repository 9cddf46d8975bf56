import { forEachReference, type TemplateNode } from '../expressions/compile-template.ts';
import type { Router } from '../routing/router.ts';
import type { ComponentLists } from './component-lists.ts';
import { isObject, type DocumentPath, type FlowCheck } from './flow-check.ts';

/** What checking one step needs of the others: its id, and a check of its step references. */
export interface StepScope {
  /** The step's id, or `#<index>` when it has none. */
  readonly stepId: string;
  /** Reports references to itself, to undefined steps and to later steps. */
  checkReferences(node: TemplateNode, field: string, path: DocumentPath): void;
}

/** The steps of a flow as they are checked in order: ids seen so far and steps referenced. */
export class FlowSteps {
  /** Index of each step id checked so far (the first of duplicates). */
  readonly indexById = new Map<string, number>();
  /** Step ids some step or the output references. */
  readonly referenced = new Set<string>();

  constructor(
    readonly check: FlowCheck,
    readonly doc: Record<string, unknown>,
    readonly steps: readonly unknown[],
    /** The config's routes, when a config was given. */
    readonly router: Router | undefined,
    readonly lists: ComponentLists,
  ) {}

  /** The scope of the step at `index`, whose `id` is as written (possibly empty). */
  scopeOf(index: number, id: string, stepId: string): StepScope {
    return {
      stepId,
      checkReferences: (node, field, path) => this.checkReferences(node, index, id, field, path),
    };
  }

  private checkReferences(
    node: TemplateNode,
    stepIndex: number,
    stepId: string,
    field: string,
    path: DocumentPath,
  ): void {
    forEachReference(node, (ref) => {
      if (ref.source.kind !== 'step') return;
      const target = ref.source.stepId;
      this.referenced.add(target);
      if (target === stepId) {
        this.check.add(
          'fatal',
          'selfReference',
          `Step '${stepId}' cannot reference itself (in ${field})`,
          path,
          { stepId, field },
        );
        return;
      }
      const targetIndex = this.indexById.get(target);
      if (targetIndex === undefined || targetIndex > stepIndex) {
        const later = this.steps.some((s, i) => i > stepIndex && isObject(s) && s.id === target);
        this.check.add(
          'fatal',
          'undefinedStepReference',
          `Step '${stepId}' references undefined step '${target}' (in ${field})${later ? `: '${target}' is declared later, and a step may only reference earlier steps` : ''}`,
          path,
          { stepId, field },
        );
      }
    });
  }
}
