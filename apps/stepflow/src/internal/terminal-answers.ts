import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { AnswerError, type RunEvent, type Runtime } from '@stepflow/runtime';
import { promptText } from './open-questions-text.ts';

type Schema = Record<string, unknown>;

/** Asks the questions of runs on a terminal, one at a time, and answers them through the runtime. */
export interface TerminalAsker {
  /** Pass every run event: questions are taken from `stepPaused`. */
  readonly onEvent: (event: RunEvent) => void;
  /** Stops reading the terminal. */
  close(): void;
}

/** What the asker works with. */
export interface TerminalAskerOptions {
  readonly runtime: Runtime;
  readonly input: Readable;
  readonly write: (text: string) => void;
  /** Who answers (the local user), for the journal's audit record. */
  readonly by: string;
  /** Called when the terminal ends before a question was answered. */
  readonly onClosed: () => void;
}

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SIMPLE_TYPES = new Set(['boolean', 'number', 'integer', 'string']);

/** Whether a schema is one the terminal asks for field by field (else it asks for JSON). */
function isSimple(schema: Schema): boolean {
  return (
    (typeof schema.type === 'string' && SIMPLE_TYPES.has(schema.type)) || Array.isArray(schema.enum)
  );
}

/** Creates an asker reading answers from `input` (a terminal). */
export function createTerminalAsker(options: TerminalAskerOptions): TerminalAsker {
  const lines = createInterface({ input: options.input, terminal: false, crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const { write } = options;
  let chain = Promise.resolve();
  let closed = false;

  const readLine = async (label: string): Promise<string> => {
    write(label);
    const next = await iterator.next();
    if (next.done === true) throw new Error('the terminal was closed');
    return next.value.trim();
  };

  /** One value of a simple schema: y/n, a number, a choice or text; asks again until it parses. */
  const askSimple = async (schema: Schema, label: string, optional: boolean): Promise<unknown> => {
    for (;;) {
      const choices: unknown[] | undefined = Array.isArray(schema.enum) ? schema.enum : undefined;
      if (choices !== undefined)
        write(choices.map((choice, i) => `  ${i + 1}) ${promptText(choice)}\n`).join(''));
      const hint =
        choices !== undefined
          ? ` [1-${choices.length}]`
          : schema.type === 'boolean'
            ? ' (y/n)'
            : schema.type === 'number' || schema.type === 'integer'
              ? ' (a number)'
              : '';
      const line = await readLine(`${label}${hint}${optional ? ' (optional)' : ''}: `);
      if (line === '' && optional) return undefined;
      if (choices !== undefined) {
        const index = Number(line);
        if (Number.isInteger(index) && index >= 1 && index <= choices.length)
          return choices[index - 1];
        const named = choices.find((choice) => promptText(choice) === line);
        if (named !== undefined) return named;
      } else if (schema.type === 'boolean') {
        if (/^(y|yes|true)$/i.test(line)) return true;
        if (/^(n|no|false)$/i.test(line)) return false;
      } else if (schema.type === 'number' || schema.type === 'integer') {
        const value = Number(line);
        if (line !== '' && Number.isFinite(value)) return value;
      } else {
        return line;
      }
      write(`  not a valid answer: ${JSON.stringify(line)}\n`);
    }
  };

  /** An answer built from the schema: field by field for simple objects, else JSON. */
  const buildAnswer = async (schema: Schema | undefined): Promise<unknown> => {
    if (schema !== undefined && isSimple(schema)) return askSimple(schema, 'answer', false);
    const properties =
      schema !== undefined && isObject(schema.properties) ? schema.properties : undefined;
    if (
      schema?.type === 'object' &&
      properties !== undefined &&
      Object.values(properties).every((p) => isObject(p) && isSimple(p))
    ) {
      const required = new Set(Array.isArray(schema.required) ? schema.required : []);
      const answer: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        const value = await askSimple(property as Schema, name, !required.has(name));
        if (value !== undefined) answer[name] = value;
      }
      return answer;
    }
    for (;;) {
      const line = await readLine('answer (JSON): ');
      try {
        return JSON.parse(line) as unknown;
      } catch {
        // Without a schema, text that is not JSON is taken as a string.
        if (schema === undefined) return line;
        write('  not valid JSON\n');
      }
    }
  };

  const ask = async (event: Extract<RunEvent, { type: 'stepPaused' }>): Promise<void> => {
    write(`\nstep ${event.stepId} asks: ${promptText(event.prompt)}\n`);
    for (;;) {
      const answer = await buildAnswer(event.schema);
      try {
        await options.runtime.answer(event.runId, event.stepId, answer, { by: options.by });
        return;
      } catch (error) {
        if (!AnswerError.isInstance(error)) throw error;
        if (error.code !== 'invalid-answer') {
          write(`  ${error.message}\n`);
          return;
        }
        write(
          `  the answer was refused:\n${error.violations.map((v) => `    ${v.path || '(answer)'} ${v.message}\n`).join('')}`,
        );
      }
    }
  };

  return {
    onEvent(event) {
      if (event.type !== 'stepPaused' || event.kind !== 'question' || closed) return;
      chain = chain
        .then(() => ask(event))
        .catch((error: unknown) => {
          if (closed) return;
          write(`stepflow: ${error instanceof Error ? error.message : String(error)}\n`);
          options.onClosed();
        });
    },
    close() {
      closed = true;
      lines.close();
    },
  };
}
