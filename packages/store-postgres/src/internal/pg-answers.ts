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
import { pgCode, type PostgresConnection } from './pg-connection.ts';
import { pendingAnswerOf, type AnswerRow } from './pg-rows.ts';

/** Questions to humans in `pending_answers`; answering is one conditional UPDATE. */
export class PostgresAnswerStore implements AnswerStore {
  constructor(private readonly c: PostgresConnection) {}

  async createPendingAnswer(newAnswer: NewPendingAnswer): Promise<PendingAnswer> {
    const { request, promptText, schemaText } = preparePendingAnswer(newAnswer);
    const db = this.c.open();
    try {
      await db.query(
        `INSERT INTO ${this.c.t('pending_answers')} (run_id, step_id, prompt, schema, created_at,
           expires_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id, step_id) DO NOTHING`,
        [
          request.runId,
          request.stepId,
          promptText,
          schemaText ?? null,
          this.c.clock.now(),
          request.expiresAt ?? null,
        ],
      );
    } catch (error) {
      if (pgCode(error) === '23503') {
        throw new StateStoreError('run-not-found', `No run with id ${request.runId}`);
      }
      throw error;
    }
    return pendingAnswerOf((await this.c.answerRow(db, request.runId, request.stepId))!);
  }

  async getPendingAnswer(runId: string, stepId: string): Promise<PendingAnswer | undefined> {
    const row = await this.c.answerRow(this.c.open(), runId, stepId);
    return row && pendingAnswerOf(row);
  }

  async listPendingAnswers(options: ListPendingAnswersOptions = {}): Promise<PendingAnswer[]> {
    const db = this.c.open();
    const page = preparePage(options, 'listPendingAnswers');
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (options.runId !== undefined) {
      params.push(options.runId);
      clauses.push(`run_id = $${params.length}`);
    }
    if (options.answered !== undefined) {
      clauses.push(options.answered ? 'answer IS NOT NULL' : 'answer IS NULL');
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const { rows } = await db.query<AnswerRow>(
      `SELECT * FROM ${this.c.t('pending_answers')} ${where} ORDER BY position
       LIMIT ${page.limit} OFFSET ${page.offset}`,
      params,
    );
    return rows.map(pendingAnswerOf);
  }

  async submitAnswer(
    runId: string,
    stepId: string,
    answer: unknown,
    answeredBy?: string,
  ): Promise<SubmitAnswerResult> {
    const answerText = prepareAnswer(runId, stepId, answer, answeredBy);
    const db = this.c.open();
    const { rows } = await db.query<AnswerRow>(
      `UPDATE ${this.c.t('pending_answers')} SET answer = $3, answered_by = $4, answered_at = $5
        WHERE run_id = $1 AND step_id = $2 AND answer IS NULL RETURNING *`,
      [runId, stepId, answerText, answeredBy ?? null, this.c.clock.now()],
    );
    if (rows[0]) return { accepted: true, record: pendingAnswerOf(rows[0]) };
    const row = await this.c.answerRow(db, runId, stepId);
    if (!row) {
      throw new StateStoreError('answer-not-found', `Run ${runId} step ${stepId} asked nothing`);
    }
    return { accepted: false, record: pendingAnswerOf(row) };
  }
}
