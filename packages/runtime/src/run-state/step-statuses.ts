import type { FlowPlan } from '../scheduler/flow-plan.ts';
import type { RunState, StepStatus } from './run-state.ts';

/**
 * Every step's status, in declaration order: from its events when it has any, otherwise
 * `runnable` when every step it depends on has a result and `blocked` when one has not.
 */
export function stepStatuses(plan: FlowPlan, state: RunState): Map<string, StepStatus> {
  const statuses = new Map<string, StepStatus>();
  for (const step of plan.steps) {
    const recorded = state.steps.get(step.id);
    if (recorded !== undefined) {
      statuses.set(step.id, recorded.status);
      continue;
    }
    const ready = step.dependencies.every(
      (index) => state.steps.get(plan.steps[index]!.id)?.result !== undefined,
    );
    statuses.set(step.id, ready && state.status === 'running' ? 'runnable' : 'blocked');
  }
  return statuses;
}
