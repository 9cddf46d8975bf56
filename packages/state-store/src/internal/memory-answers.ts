import type {
  AnswerStore,
  ListPendingAnswersOptions,
  NewPendingAnswer,
  PendingAnswer,
  SubmitAnswerResult,
} from '../answer-store.ts';
import { StateStoreError } from '../state-store-error.ts';
import { prepareAnswer, preparePage, preparePendingAnswer } from '../store-input.ts';
import { pendingAnswerOf, type MemoryAnswer } from './memory-records.ts';
import type { MemoryTables } from './memory-tables.ts';

/** Questions to humans in memory, keyed by (run id, step id). */
export class MemoryAnswerStore implements AnswerStore {
  constructor(private readonly t: MemoryTables) {}

  async createPendingAnswer(newAnswer: NewPendingAnswer): Promise<PendingAnswer> {
    this.t.checkOpen();
    const { request, promptText, schemaText } = preparePendingAnswer(newAnswer);
    this.t.requireRun(request.runId);
    const key = JSON.stringify([request.runId, request.stepId]);
    const existing = this.t.answers.get(key);
    if (existing) return pendingAnswerOf(existing);
    const row: MemoryAnswer = {
      order: this.t.order++,
      runId: request.runId,
      stepId: request.stepId,
      promptText,
      schemaText,
      createdAt: this.t.clock.now(),
      expiresAt: request.expiresAt,
    };
    this.t.answers.set(key, row);
    return pendingAnswerOf(row);
  }

  async getPendingAnswer(runId: string, stepId: string): Promise<PendingAnswer | undefined> {
    this.t.checkOpen();
    const row = this.t.answers.get(JSON.stringify([runId, stepId]));
    return row && pendingAnswerOf(row);
  }

  async listPendingAnswers(options: ListPendingAnswersOptions = {}): Promise<PendingAnswer[]> {
    this.t.checkOpen();
    const page = preparePage(options, 'listPendingAnswers');
    return [...this.t.answers.values()]
      .filter(
        (row) =>
          (options.runId === undefined || row.runId === options.runId) &&
          (options.answered === undefined || (row.answerText !== undefined) === options.answered),
      )
      .slice(page.offset, page.offset + page.limit)
      .map(pendingAnswerOf);
  }

  async submitAnswer(
    runId: string,
    stepId: string,
    answer: unknown,
    answeredBy?: string,
  ): Promise<SubmitAnswerResult> {
    this.t.checkOpen();
    const answerText = prepareAnswer(runId, stepId, answer, answeredBy);
    const row = this.t.answers.get(JSON.stringify([runId, stepId]));
    if (!row) {
      throw new StateStoreError('answer-not-found', `Run ${runId} step ${stepId} asked nothing`);
    }
    if (row.answerText !== undefined) return { accepted: false, record: pendingAnswerOf(row) };
    row.answerText = answerText;
    row.answeredBy = answeredBy;
    row.answeredAt = this.t.clock.now();
    return { accepted: true, record: pendingAnswerOf(row) };
  }
}
