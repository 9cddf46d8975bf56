// The run events live in @stepflow/protocol (zod schemas + types) so state stores can validate
// and persist them without depending on the runtime; re-exported here for the runtime's modules.
export type {
  RunCompletedEvent,
  RunEvent,
  RunResumedEvent,
  RunStartedEvent,
  StepAnsweredEvent,
  StepCompletedEvent,
  StepPausedEvent,
  StepRetryingEvent,
  StepStartedEvent,
} from '@stepflow/protocol';
