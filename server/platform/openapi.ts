import 'server-only';
import { z } from 'zod';
import { ROUTES } from './routes';
import { errorSchema } from './schemas';

type Json = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas the handlers
 * validate with. Named schemas (`.meta({ id })`) become components; the rest are inlined.
 */
export function openApiDocument(serverUrl = '/api/v1'): Json {
  const registry = z.toJSONSchema(z.globalRegistry, { uri: (id) => `#/components/schemas/${id}`, io: 'input', unrepresentable: 'any' }) as {
    schemas: Record<string, Json>;
  };
  const components: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(registry.schemas)) {
    const { $schema: _, ...rest } = schema;
    components[id] = rest;
  }
  const ref = (schema: z.ZodType): Json => {
    const id = z.globalRegistry.get(schema)?.id;
    if (id) return { $ref: `#/components/schemas/${id}` };
    const { $schema: _, ...inline } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
    return inline;
  };
  const errorRef = ref(errorSchema);
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });

  const paths: Record<string, Record<string, Json>> = {};
  for (const r of ROUTES) {
    const parameters: Json[] = [];
    for (const name of r.path.match(/\{(\w+)\}/g) ?? []) {
      parameters.push({ name: name.slice(1, -1), in: 'path', required: true, schema: { type: 'string' } });
    }
    if (r.query) {
      const query = ref(r.query) as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
      }
    }
    if (r.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'A retried request with the same key and body sends nothing again and gets the first answer.',
        schema: { type: 'string', maxLength: 200 },
      });
    }
    const operation: Json = {
      operationId: operationId(r.method, r.path),
      summary: r.summary,
      tags: [r.tag],
      description: `Scopes: ${r.scopes.join(' or ')}.`,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(r.body) } } } } : {}),
      responses: {
        [String(r.status)]: r.response ? { description: 'OK', content: { 'application/json': { schema: ref(r.response) } } } : { description: 'Done' },
        '400': errorResponse('The request is invalid; `issues` names each field'),
        '401': errorResponse('No API key, or a revoked or unknown one'),
        '403': errorResponse('The key lacks the scope, or the address is not of its domain'),
        '404': errorResponse('Not found'),
        '429': errorResponse('Rate limit: retry after the Retry-After header’s seconds'),
      },
    };
    paths[r.path] ??= {};
    paths[r.path]![r.method.toLowerCase()] = operation;
  }
  paths['/openapi.json'] = {
    get: {
      operationId: 'getOpenApi',
      summary: 'This document',
      tags: ['Meta'],
      security: [],
      responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sealpost sending API',
      version: '1.0.0',
      description: 'Send transactional and batch mail from your verified domain. Authenticate with `Authorization: Bearer <API key>`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key made on the domain’s page or with `npm run cli -- apikey create`' },
      },
    },
  };
}

/** `POST /messages/{id}/cancel` → `postMessagesIdCancel`: stable names for the typed client. */
export function operationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/[{}]/g, ''));
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
