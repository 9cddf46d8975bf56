import { createRoute, z } from '@hono/zod-openapi';
import { flowFromDocument, flowIdOf, serializeFlow, validateFlow } from '@stepflow/runtime';
import { ApiError } from '../api-error.ts';
import {
  errorResponses,
  FlowIdParamsSchema,
  jsonContent,
  StoreFlowRequestSchema,
  StoreFlowResponseSchema,
} from '../api-schemas.ts';
import { loadStoredFlow } from '../load-stored-flow.ts';
import type { ServiceApp, ServiceContext } from '../service-context.ts';

const storeFlow = createRoute({
  method: 'post',
  path: '/api/v1/flows',
  summary: 'Validate and store a flow; answers its id and diagnostics',
  request: {
    body: { content: { 'application/json': { schema: StoreFlowRequestSchema } }, required: true },
  },
  responses: {
    200: jsonContent(StoreFlowResponseSchema, 'The flow id (absent when invalid) and diagnostics'),
    ...errorResponses(400, 401, 413, 415),
  },
});

const getFlow = createRoute({
  method: 'get',
  path: '/api/v1/flows/{flowId}',
  summary: 'A stored flow',
  request: { params: FlowIdParamsSchema },
  responses: {
    200: jsonContent(
      z.object({ flow: z.unknown(), flowId: z.string() }).openapi('StoredFlow'),
      'The flow',
    ),
    ...errorResponses(400, 401, 404),
  },
});

const deleteFlow = createRoute({
  method: 'delete',
  path: '/api/v1/flows/{flowId}',
  summary: 'Kept for compatibility: flows are content-addressed and shared by runs, so kept',
  request: { params: FlowIdParamsSchema },
  responses: { 200: jsonContent(z.object({}), 'Nothing was removed'), ...errorResponses(401) },
});

/** `POST /flows`, `GET /flows/{flowId}`, `DELETE /flows/{flowId}`. */
export function registerFlowsRoutes(app: ServiceApp, service: ServiceContext): void {
  app.openapi(storeFlow, async (c) => {
    let loaded;
    try {
      loaded = flowFromDocument(c.req.valid('json').flow);
    } catch (error) {
      throw new ApiError(400, `flow: ${error instanceof Error ? error.message : String(error)}`);
    }
    const found = [...loaded.diagnostics, ...validateFlow(loaded.flow)];
    const diagnostics = found.map((d) => ({
      level: d.level,
      type: d.type,
      message: d.message,
      path: [...d.path],
      ...(d.stepId === undefined ? {} : { stepId: d.stepId }),
    }));
    if (found.some((d) => d.level === 'fatal' || d.level === 'error'))
      return c.json({ diagnostics: { diagnostics } }, 200);
    await service.store.put(serializeFlow(loaded.flow), 'flow');
    return c.json({ flowId: flowIdOf(loaded.flow), diagnostics: { diagnostics } }, 200);
  });

  app.openapi(getFlow, async (c) => {
    const { flowId } = c.req.valid('param');
    return c.json({ flow: await loadStoredFlow(service, flowId), flowId }, 200);
  });

  app.openapi(deleteFlow, (c) => c.json({}, 200));
}
