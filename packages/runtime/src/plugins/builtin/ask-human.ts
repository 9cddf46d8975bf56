import { ErrorCodes } from '@stepflow/protocol';
import { ComponentError } from '../../errors/component-error.ts';
import type { BuiltinComponent } from './builtin-component.ts';

/**
 * `/ask_human`: pauses the step until a person answers. The engine runs it (the question is
 * journaled and answered through `Runtime.answer`); a plugin call reaches `execute` only when it
 * is routed in a way the engine does not recognise.
 */
export const askHumanComponent: BuiltinComponent = {
  name: '/ask_human',
  description:
    'Pause until a person answers: shows prompt, checks the answer against schema; the answer is the output',
  inputSchema: {
    type: 'object',
    properties: {
      prompt: { description: 'What the person is shown (any JSON)' },
      schema: { type: 'object', description: 'JSON Schema of the answer' },
      timeoutMs: { type: 'number', exclusiveMinimum: 0 },
    },
    required: ['prompt'],
    additionalProperties: false,
  },
  outputSchema: {},
  async execute() {
    throw new ComponentError(
      ErrorCodes.componentExecutionFailed,
      'ask_human pauses its step in the engine: route it as /builtin/ask_human (or /ask_human)',
    );
  },
};

/** `/sleep`: pauses the step for `durationMs` or until a date-time; durable across restarts. */
export const sleepComponent: BuiltinComponent = {
  name: '/sleep',
  description: 'Wait for durationMs milliseconds or until a date-time; survives restarts',
  inputSchema: {
    type: 'object',
    properties: {
      durationMs: { type: 'number', minimum: 0 },
      until: { type: 'string', format: 'date-time' },
    },
    additionalProperties: false,
  },
  outputSchema: { type: 'null' },
  async execute() {
    throw new ComponentError(
      ErrorCodes.componentExecutionFailed,
      'sleep pauses its step in the engine: route it as /builtin/sleep (or /sleep)',
    );
  },
};
