import type { OpenQuestion } from '@stepflow/runtime';

/** A prompt as one line of text: a string as it is, anything else as compact JSON. */
export function promptText(prompt: unknown): string {
  return typeof prompt === 'string' ? prompt : JSON.stringify(prompt);
}

/** Open questions for people, each with the command that answers it. */
export function openQuestionsText(questions: readonly OpenQuestion[], storeHint: string): string {
  return questions
    .map((q) => {
      const lines = [`run ${q.runId} step ${q.stepId} asks: ${promptText(q.prompt)}`];
      if (q.rootRunId !== q.runId) lines.push(`  (nested in run ${q.rootRunId})`);
      if (q.schema !== undefined) lines.push(`  answer schema: ${JSON.stringify(q.schema)}`);
      if (q.expiresAt !== undefined)
        lines.push(`  expires: ${new Date(q.expiresAt).toISOString()}`);
      lines.push(
        `  answer: stepflow runs answer ${q.runId} ${q.stepId} --answer-json '<json>'${storeHint} --resume`,
      );
      return `${lines.join('\n')}\n`;
    })
    .join('');
}
