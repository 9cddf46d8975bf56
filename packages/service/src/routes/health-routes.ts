import { createRoute, z } from '@hono/zod-openapi';
import { jsonContent } from '../api-schemas.ts';
import type { ServiceApp, ServiceContext } from '../service-context.ts';

const HealthSchema = z
  .object({ status: z.literal('healthy'), timestamp: z.string(), version: z.string() })
  .openapi('Health');

const health = createRoute({
  method: 'get',
  path: '/api/v1/health',
  summary: 'Whether the service is up (no token needed)',
  responses: { 200: jsonContent(HealthSchema, 'The service is up') },
});

/** `GET /health`. */
export function registerHealthRoutes(app: ServiceApp, service: ServiceContext): void {
  app.openapi(health, (c) =>
    c.json(
      { status: 'healthy' as const, timestamp: new Date().toISOString(), version: service.version },
      200,
    ),
  );
}
