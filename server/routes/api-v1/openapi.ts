/** Builds the OpenAPI 3.1 document of /api/v1 from the route table and its valibot schemas. */
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { VERSION } from '../../version';
import { Problem } from './schemas';

export interface RouteDoc {
  method: 'get' | 'put' | 'post' | 'delete';
  /** The route's path as registered (`/orders/:externalId`); the document spells it `/orders/{externalId}`. */
  path: string;
  summary: string;
  tag: string;
  body?: v.GenericSchema;
  query?: v.ObjectSchema<v.ObjectEntries, undefined>;
  response: v.GenericSchema;
  idempotent?: boolean;
}

type JsonSchema = Record<string, unknown>;

function schema(s: v.GenericSchema, io: 'input' | 'output' = 'input'): JsonSchema {
  // Pipes with transforms (query numbers) cannot be expressed exactly; describe their input.
  const json = toJsonSchema(s, { errorMode: 'ignore', typeMode: io }) as JsonSchema;
  delete json.$schema;
  return json;
}

function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
}

/** The OpenAPI 3.1 document for the routes registered so far. */
export function buildOpenApi(routes: readonly RouteDoc[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = r.query
      ? Object.entries(r.query.entries).map(([name, s]) => ({ name, in: 'query', required: false, schema: schema(s as v.GenericSchema) }))
      : [];
    const headerParams =
      r.method === 'post'
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'Makes retries safe: the first response is replayed for 24 h.' }]
        : [];
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      parameters: [...pathParams, ...queryParams, ...headerParams],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(r.body) } } } } : {}),
      responses: {
        ...(r.method === 'delete'
          ? { '204': { description: 'Deleted' } }
          : {
              [r.method === 'post' ? '201' : '200']: {
                description: r.method === 'put' ? 'Updated (201 when created)' : 'OK',
                content: { 'application/json': { schema: schema(r.response, 'output') } },
              },
            }),
        '401': problemResponse('Missing or invalid secret key'),
        '404': problemResponse('Not found on this site'),
        ...(r.body || r.query ? { '422': problemResponse('Validation failed; `field` names the first bad field') } : {}),
        '429': problemResponse('Rate limited; see Retry-After'),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Mostrador merchant API', version: VERSION, description: 'Push customers, orders, shipments and returns; read and write conversations. See docs/api.md.' },
    servers: [{ url: '/api/v1' }],
    security: [{ secretKey: [] }],
    components: {
      securitySchemes: { secretKey: { type: 'http', scheme: 'bearer', description: "Your site's secret key (sk_…)" } },
      schemas: { Problem: schema(Problem, 'output') },
    },
    paths,
  };
}
