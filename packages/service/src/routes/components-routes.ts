import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, jsonContent } from '../api-schemas.ts';
import type { ServiceApp, ServiceContext } from '../service-context.ts';

const ComponentSchema = z
  .object({
    component: z.string(),
    plugin: z.string(),
    description: z.string().optional(),
    inputSchema: z.unknown().optional(),
    outputSchema: z.unknown().optional(),
  })
  .openapi('ComponentInfo');

const listComponents = createRoute({
  method: 'get',
  path: '/api/v1/components',
  summary: 'List the components of every configured plugin, sorted by name',
  request: {
    query: z.object({ includeSchemas: z.enum(['true', 'false']).optional() }),
  },
  responses: {
    200: jsonContent(z.object({ components: z.array(ComponentSchema) }), 'The components'),
    ...errorResponses(400, 401),
  },
});

/** `GET /components`. */
export function registerComponentsRoutes(app: ServiceApp, service: ServiceContext): void {
  app.openapi(listComponents, async (c) => {
    const withSchemas = c.req.valid('query').includeSchemas === 'true';
    const listed = await service.runtime.listComponents();
    const components = listed
      .map(({ plugin, info }) => ({
        component: info.component,
        plugin,
        ...(typeof info.description === 'string' ? { description: info.description } : {}),
        ...(withSchemas && info.input_schema != null ? { inputSchema: info.input_schema } : {}),
        ...(withSchemas && info.output_schema != null ? { outputSchema: info.output_schema } : {}),
      }))
      .sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : 0));
    return c.json({ components }, 200);
  });
}
