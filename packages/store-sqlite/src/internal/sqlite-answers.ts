import {
  prepareAnswer,
  preparePage,
  preparePendingAnswer,
  StateStoreError,
  type AnswerStore,
  type ListPendingAnswersOptions,
  type NewPendingAnswer,
  type PendingAnswer,
  type SubmitAnswerResult,
} from '@stepflow/state-store';
import type { SqliteConnection } from './sqlite-connection.ts';
import { pendingAnswerOf, type AnswerRow } from './sqlite-rows.ts';

/** Questions to humans in `pending_answers`; `answer IS NULL` means not answered yet. */
export class SqliteAnswerStore implements AnswerStore {
  constructor(private readonly c: SqliteConnection) {}

  async createPendingAnswer(newAnswer: NewPendingAnswer): Promise<PendingAnswer> {
    const { request, promptText, schemaText } = preparePendingAnswer(newAnswer);
    return this.c.write(() => {
      this.c.requireRun(request.runId);
      this.c
        .sql(
          'INSERT OR IGNORE INTO pending_answers (run_id, step_id, prompt, schema, created_at, ' +
            'expires_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          request.runId,
          request.stepId,
          promptText,
          schemaText ?? null,
          this.c.clock.now(),
          request.expiresAt ?? null,
        );
      return pendingAnswerOf(this.c.answerRow(request.runId, request.stepId)!);
    });
  }

  async getPendingAnswer(runId: string, stepId: string): Promise<PendingAnswer | undefined> {
    this.c.checkOpen();
    const row = this.c.answerRow(runId, stepId);
    return row && pendingAnswerOf(row);
  }

  async listPendingAnswers(options: ListPendingAnswersOptions = {}): Promise<PendingAnswer[]> {
    this.c.checkOpen();
    const page = preparePage(options, 'listPendingAnswers');
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (options.runId !== undefined) {
      clauses.push('run_id = ?');
      params.push(options.runId);
    }
    if (options.answered !== undefined) {
      clauses.push(options.answered ? 'answer IS NOT NULL' : 'answer IS NULL');
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.c
      .sql(`SELECT * FROM pending_answers ${where} ORDER BY position LIMIT ? OFFSET ?`)
      .all(...params, page.limit, page.offset) as AnswerRow[];
    return rows.map(pendingAnswerOf);
  }

  async submitAnswer(
    runId: string,
    stepId: string,
    answer: unknown,
    answeredBy?: string,
  ): Promise<SubmitAnswerResult> {
    const answerText = prepareAnswer(runId, stepId, answer, answeredBy);
    return this.c.write(() => {
      const { changes } = this.c
        .sql(
          'UPDATE pending_answers SET answer = ?, answered_by = ?, answered_at = ? ' +
            'WHERE run_id = ? AND step_id = ? AND answer IS NULL',
        )
        .run(answerText, answeredBy ?? null, this.c.clock.now(), runId, stepId);
      const row = this.c.answerRow(runId, stepId);
      if (!row) {
        throw new StateStoreError('answer-not-found', `Run ${runId} step ${stepId} asked nothing`);
      }
      return { accepted: changes === 1, record: pendingAnswerOf(row) };
    });
  }
}
