import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface JsonSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  $ref?: string;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

export interface RouteParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

/** One operation of the app's OpenAPI document, with its schemas resolved. */
export interface DocumentedRoute {
  method: HttpMethod;
  /** OpenAPI template, e.g. /api/v2/messages/{id}. */
  path: string;
  parameters: RouteParameter[];
  /** JSON body schema, when the route takes one. */
  body?: JsonSchema;
  /** False for routes anyone may call (health, platform webhooks with their own signatures). */
  needsCredentials: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

const METHODS = new Set<string>(['get', 'post', 'put', 'patch', 'delete']);

/**
 * Every route the app documents, read from its own OpenAPI document (GET /api/docs-json), so a
 * scenario that walks them covers routes added later without being edited.
 */
export async function documentedRoutes(app: NestFastifyApplication): Promise<DocumentedRoute[]> {
  const response = await app.inject({ method: 'GET', url: '/api/docs-json' });
  if (response.statusCode !== 200) throw new Error(`no OpenAPI document: ${response.statusCode}`);
  const document = response.json<OpenApiDocument>();
  const resolve = schemaResolver(document);
  const routes: DocumentedRoute[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!METHODS.has(method)) continue;
      // An endless stream (SSE) never ends an inject(); test/e2e/live-events covers it.
      if (operation.responses?.['200']?.content?.['text/event-stream']) continue;
      const json = operation.requestBody?.content['application/json']?.schema;
      routes.push({
        method: method.toUpperCase() as HttpMethod,
        path,
        parameters: (operation.parameters ?? [])
          .filter((p) => p.in === 'path' || p.in === 'query' || p.in === 'header')
          .map((p) => ({
            name: p.name,
            in: p.in as RouteParameter['in'],
            required: p.in === 'path' || Boolean(p.required),
            schema: resolve(p.schema ?? {}),
          })),
        body: json ? resolve(json) : undefined,
        needsCredentials: (operation.security ?? []).length > 0,
      });
    }
  }
  return routes;
}

export function pathParameters(route: DocumentedRoute): RouteParameter[] {
  return route.parameters.filter((parameter) => parameter.in === 'path');
}

/** The route's path with each `{name}` replaced (URL-encoded) by `values[name]`. */
export function fillPath(route: DocumentedRoute, values: Record<string, string>): string {
  return route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} of ${route.path}`);
    return encodeURIComponent(value);
  });
}

/** The path segment naming the collection a path parameter picks from (`messages` in
 * /api/v2/messages/{id}/read). */
export function collectionOf(route: DocumentedRoute, parameter: string): string {
  const segments = route.path.split('/');
  const at = segments.indexOf(`{${parameter}}`);
  return at > 0 ? segments[at - 1] : '';
}

/** Inlines `$ref`s (cycles stop at the second visit) so generators see whole schemas. */
function schemaResolver(document: OpenApiDocument): (schema: JsonSchema) => JsonSchema {
  const named = document.components?.schemas ?? {};
  const resolve = (schema: JsonSchema, seen: ReadonlySet<string>): JsonSchema => {
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      if (seen.has(name)) return { type: 'object' };
      return resolve(named[name] ?? { type: 'object' }, new Set([...seen, name]));
    }
    return {
      ...schema,
      ...(schema.properties && {
        properties: Object.fromEntries(
          Object.entries(schema.properties).map(([key, value]) => [key, resolve(value, seen)]),
        ),
      }),
      ...(schema.items && { items: resolve(schema.items, seen) }),
      ...(schema.allOf && { allOf: schema.allOf.map((s) => resolve(s, seen)) }),
      ...(schema.oneOf && { oneOf: schema.oneOf.map((s) => resolve(s, seen)) }),
      ...(schema.anyOf && { anyOf: schema.anyOf.map((s) => resolve(s, seen)) }),
    };
  };
  return (schema) => resolve(schema, new Set());
}
