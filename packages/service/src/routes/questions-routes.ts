import { createRoute, z } from '@hono/zod-openapi';
import { AnswerError, type OpenQuestion } from '@stepflow/runtime';
import { ApiError } from '../api-error.ts';
import { errorResponses, jsonContent, RunIdParamsSchema } from '../api-schemas.ts';
import { loadStoredFlow } from '../load-stored-flow.ts';
import type { ServiceApp, ServiceContext } from '../service-context.ts';
import { requireRun } from './runs-routes.ts';

/** An open question of a paused `ask_human` step. */
const QuestionSchema = z
  .object({
    runId: z.string(),
    rootRunId: z.string(),
    stepId: z.string(),
    prompt: z.unknown(),
    schema: z.record(z.string(), z.unknown()).optional(),
    askedAt: z.string(),
    expiresAt: z.string().nullable(),
  })
  .openapi('Question');

const QuestionsSchema = z.object({ questions: z.array(QuestionSchema) }).openapi('Questions');

const AnswerRequestSchema = z.object({ answer: z.unknown() }).openapi('AnswerRequest');

const AnswerResponseSchema = z
  .object({
    runId: z.string(),
    stepId: z.string(),
    answer: z.unknown(),
    answeredBy: z.string(),
    answeredAt: z.string(),
  })
  .openapi('AnswerResponse');

const InvalidAnswerSchema = z
  .object({
    code: z.literal(400),
    message: z.string(),
    violations: z.array(z.object({ path: z.string(), message: z.string() })),
  })
  .openapi('InvalidAnswer');

const listRunQuestions = createRoute({
  method: 'get',
  path: '/api/v1/runs/{runId}/questions',
  summary: 'The open questions of a run and of the runs nested in it',
  request: { params: RunIdParamsSchema },
  responses: { 200: jsonContent(QuestionsSchema, 'The questions'), ...errorResponses(401, 404) },
});

const listAllQuestions = createRoute({
  method: 'get',
  path: '/api/v1/questions',
  summary: 'Every open question of every run in the store',
  responses: { 200: jsonContent(QuestionsSchema, 'The questions'), ...errorResponses(401) },
});

const answerQuestion = createRoute({
  method: 'post',
  path: '/api/v1/runs/{runId}/questions/{stepId}',
  summary:
    "Answer a question: checked against its schema (400 names every violation), recorded once (409 for a second answer) with the token's name; the run goes on at once",
  request: {
    params: RunIdParamsSchema.extend({ stepId: z.string().min(1) }),
    body: { content: { 'application/json': { schema: AnswerRequestSchema } }, required: true },
  },
  responses: {
    200: jsonContent(AnswerResponseSchema, 'The answer was recorded and the run goes on'),
    400: jsonContent(InvalidAnswerSchema, 'The answer breaks the question’s schema'),
    ...errorResponses(401, 404, 409, 413, 415),
  },
});

const iso = (ms: number): string => new Date(ms).toISOString();

function questionView(q: OpenQuestion): z.infer<typeof QuestionSchema> {
  return {
    runId: q.runId,
    rootRunId: q.rootRunId,
    stepId: q.stepId,
    prompt: q.prompt,
    ...(q.schema === undefined ? {} : { schema: q.schema }),
    askedAt: iso(q.askedAt),
    expiresAt: q.expiresAt === undefined ? null : iso(q.expiresAt),
  };
}

/** `/questions` and `/runs/{runId}/questions/…`: human-in-the-loop answers. */
export function registerQuestionsRoutes(
  app: ServiceApp,
  service: ServiceContext,
  options: { readonly answeredBy: string },
): void {
  app.openapi(listRunQuestions, async (c) => {
    const { runId } = c.req.valid('param');
    await requireRun(service, runId);
    const questions = await service.runtime.questions({ runId });
    return c.json({ questions: questions.map(questionView) }, 200);
  });

  app.openapi(listAllQuestions, async (c) => {
    const questions = await service.runtime.questions();
    return c.json({ questions: questions.map(questionView) }, 200);
  });

  app.openapi(answerQuestion, async (c) => {
    const { runId, stepId } = c.req.valid('param');
    const body = c.req.valid('json');
    await requireRun(service, runId);
    let receipt;
    try {
      receipt = await service.runtime.answer(runId, stepId, body.answer, {
        by: options.answeredBy,
      });
    } catch (error) {
      if (!AnswerError.isInstance(error)) throw error;
      if (error.code === 'invalid-answer')
        return c.json(
          { code: 400 as const, message: error.message, violations: [...error.violations] },
          400,
        );
      throw new ApiError(error.code === 'no-question' ? 404 : 409, error.message);
    }
    // Not executing here (the service restarted, or the run was left paused): it goes on now.
    if (!receipt.delivered) await resumeRoot(service, runId);
    return c.json(
      {
        runId,
        stepId,
        answer: receipt.answer,
        answeredBy: receipt.by ?? options.answeredBy,
        answeredAt: iso(receipt.at),
      },
      200,
    );
  });
}

/** Starts the top-level run a (possibly nested) run belongs to, unless it executes already. */
async function resumeRoot(service: ServiceContext, runId: string): Promise<void> {
  let run = await requireRun(service, runId);
  for (let depth = 0; depth < 64 && run.parentRunId !== undefined; depth++)
    run = await requireRun(service, run.parentRunId);
  if (service.supervisor.isActive(run.id) || service.closed.aborted) return;
  const flow = await loadStoredFlow(service, run.flowId);
  // On a shared store the run executes where its lease is: here only when this runtime gets it.
  if (service.claimer !== undefined) await service.claimer.tryExecute(run, flow, false);
  else void service.supervisor.start({ runId: run.id, flow, input: run.input });
}
