import { z } from 'zod';
import { ENDPOINTS } from '../../../shared/api.js';
import { pathParamNames } from '../../../shared/api/endpoint.js';
import { REST67_OPERATIONS, REST67_VERSION } from '../../../shared/rest67Operations.js';
import { ApiErrorSchema } from '../../../shared/schemas/common.js';
import { OAUTH_MIN_MAJOR, OAUTH_SCOPE, OAUTH_TOKEN_PATH } from '../../../shared/schemas/oauth.js';
import { SENT, type HandlersFor } from './endpoints.js';

type JsonSchema = Record<string, unknown>;

/** Each schema inline: OpenAPI 3.1 speaks JSON Schema 2020-12, which is zod's default target. */
function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    metadata: z.registry(),
    reused: 'inline',
  }) as JsonSchema;
  delete json.$schema;
  const id = z.globalRegistry.get(schema)?.id;
  return id ? { title: id, ...json } : json;
}

/** The fact sheet's `string(binary)`: raw bytes under each media type. */
function binaryContent(mediaTypes: readonly string[]): Record<string, unknown> {
  const bytes = { schema: { type: 'string', format: 'binary' } };
  return Object.fromEntries(mediaTypes.map((t) => [t, bytes]));
}

const FACT_SHEET = new Map(REST67_OPERATIONS.map((op) => [op.operationId, op]));

/**
 * An operation of the official REST API names its version (`x-starface-api`); where the API documents two
 * success codes (200 and 204), the description says which one the simulator answers.
 */
function factSheetMarks(id: string, responses: Readonly<Record<number, unknown>>): Record<string, string> {
  const op = FACT_SHEET.get(id);
  if (!op) return {};
  const documented = Object.keys(op.responses).filter((code) => code.startsWith('2'));
  const answered = Object.keys(responses).find((code) => code.startsWith('2'));
  return {
    'x-starface-api': REST67_VERSION,
    ...(documented.length > 1
      ? {
          description: `STARFACE REST ${REST67_VERSION} documents ${documented.join(' and ')} here; the simulator answers ${answered}.`,
        }
      : {}),
  };
}

export function buildOpenApi(version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of ENDPOINTS) {
    const params = pathParamNames(e.path).map((name) => {
      const own = e.params?.[name];
      return { name, in: 'path', required: true, schema: own ? toSchema(own, 'input') : { type: 'integer' } };
    });
    const query = e.query
      ? Object.entries(e.query.shape).map(([name, s]) => ({
          name,
          in: 'query',
          required: !(s as z.ZodType).safeParse(undefined).success,
          schema: toSchema(s as z.ZodType, 'input'),
        }))
      : [];
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(e.responses)) {
      const ok = Number(status) >= 200 && Number(status) < 300;
      responses[status] =
        ok && schema && e.binary?.response
          ? { description: `HTTP ${status}`, content: binaryContent(e.binary.response) }
          : schema
            ? { description: `HTTP ${status}`, content: { 'application/json': { schema: toSchema(schema, 'output') } } }
            : { description: `HTTP ${status}` };
    }
    if (e.access !== 'public')
      responses['401'] = {
        description: 'Missing or expired authToken (or, on a STARFACE 10, Bearer token)',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      };
    if (e.access === 'admin' || e.access === 'self')
      responses['403'] ??= {
        description: 'Needs the right "Administration"',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      };
    if (e.body)
      responses['400'] ??= {
        description: 'Invalid body',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      };
    // Any request may fail inside the server (the error handler answers {code, message}); the fact sheet
    // documents 500 for every operation, so a client generated from either document handles it.
    responses['500'] ??= {
      description: 'The server failed to handle the request',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
    };
    (paths[e.path] ??= {})[e.method] = {
      operationId: e.id,
      summary: e.summary,
      ...factSheetMarks(e.id, e.responses),
      tags: [e.real ? 'STARFACE REST' : 'Simulator'],
      ...(params.length || query.length ? { parameters: [...params, ...query] } : {}),
      ...(e.body
        ? {
            requestBody: {
              required: true,
              content: e.binary?.request
                ? binaryContent([...e.binary.request, 'application/octet-stream']) // what clients send too
                : { 'application/json': { schema: toSchema(e.body, 'input') } },
            },
          }
        : {}),
      ...(e.access === 'public' ? { security: [] } : {}),
      'x-access': e.access,
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'STARFACE simulator REST API',
      version,
      description: `Real STARFACE paths (tag "STARFACE REST"; the ${REST67_OPERATIONS.length} operations of the official API ${REST67_VERSION} carry x-starface-api) and the simulator's own resources (tag "Simulator"). Send X-Version: 2 and the authToken header; a PBX of version ${OAUTH_MIN_MAJOR} or later also takes an OAuth access token as Authorization: Bearer.`,
    },
    servers: [{ url: '/rest' }],
    // Alternatives: the login handshake's token, or (version 10 and later) the password grant's access token.
    security: [{ authToken: [] }, { oauth: [OAUTH_SCOPE] }],
    components: {
      securitySchemes: {
        authToken: { type: 'apiKey', in: 'header', name: 'authToken' },
        oauth: {
          type: 'oauth2',
          description: `STARFACE ${OAUTH_MIN_MAJOR} and later only (client rest-client-headless with the PBX's client secret); below ${OAUTH_MIN_MAJOR} the token endpoint answers 404.`,
          // An absolute-path reference: the token endpoint sits beside /rest, not below it.
          flows: {
            password: {
              tokenUrl: OAUTH_TOKEN_PATH,
              refreshUrl: OAUTH_TOKEN_PATH,
              scopes: { [OAUTH_SCOPE]: 'the API' },
            },
          },
        },
      },
      schemas: { ApiError: toSchema(ApiErrorSchema, 'output') },
    },
    paths,
  };
}

export function openApiHandlers(version: string): HandlersFor<'getOpenApi'> {
  let doc: string | undefined; // built on first request: it costs tens of ms and start-up time matters more
  return {
    getOpenApi: ({ res }) => {
      doc ??= JSON.stringify(buildOpenApi(version));
      res.type('application/json').send(doc);
      return SENT;
    },
  };
}
