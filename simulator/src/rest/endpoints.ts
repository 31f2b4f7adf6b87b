/**
 * Mounts the REST table (`shared/api.ts`): each request is matched to its entry once (routeTable.ts), which then
 * checks access, parses the path parameters, query and body with the entry's schemas and sends what the handler
 * returns with the entry's 2xx status. Handlers hold only what is particular to an endpoint.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { ENDPOINTS, type Api, type EndpointId } from '../../../shared/api.js';
import {
  paramSchema,
  pathParamNames,
  successSchema,
  successStatus,
  type AnswerInput,
  type BodyOutput,
  type Endpoint,
  type PathParams,
  type QueryOutput,
} from '../../../shared/api/endpoint.js';
import type { StoredUser } from '../state/model.js';
import { actor, requireAdmin, requireSelfOrAdmin, type RestContext } from './context.js';
import { BODY_LIMIT_BYTES, notFoundHandler, parse } from './errors.js';
import { RouteTable, type RouteMatch } from './routeTable.js';

/** Returned by a handler that wrote the answer itself (another documented status, a prebuilt body). */
export const SENT: unique symbol = Symbol('sent');

export interface HandlerInput<E extends Endpoint> {
  params: PathParams<E>;
  query: QueryOutput<E>;
  body: BodyOutput<E>;
  /** The signed-in caller (after the access check); undefined on a public endpoint. */
  actor: E['access'] extends 'public' ? undefined : StoredUser;
  req: Request;
  res: Response;
}

type HandlerFn<E extends Endpoint> = (
  input: HandlerInput<E>,
) => AnswerInput<E> | typeof SENT | Promise<AnswerInput<E> | typeof SENT>;

/** A function, or one with a look at the raw body before its schema runs (to refuse a field by name). */
export type Handler<E extends Endpoint> = HandlerFn<E> | { screenBody(raw: unknown): void; handle: HandlerFn<E> };

/** Handlers for a set of ids; the full set (`HandlersFor<EndpointId>`) makes a missing handler a compile error. */
export type HandlersFor<K extends EndpointId> = { [P in K]: Handler<Api[P]> };

/** The REST table as one lookup (method and path → entry and path parameters). */
const ROUTES = new RouteTable(ENDPOINTS);
const matched = new WeakMap<object, RouteMatch<(typeof ENDPOINTS)[number]>>();

/**
 * The first step of every /rest request: finds its entry once, for the body parsers and the dispatchers after
 * it. An unknown path is a 404 even before sign-in: the paths are public (OpenAPI), the data is not. A known
 * path with another method goes on, to be answered 404 after the sign-in check.
 */
export const routeLookup: RequestHandler = (req, res, next) => {
  const route = ROUTES.match(req.method, req.path);
  if (route) matched.set(req, route);
  else if (!ROUTES.knows(req.path)) return notFoundHandler(req, res, next);
  next();
};

/**
 * True for a request to an entry whose body is raw bytes (`binary.request`): app.ts's JSON parser leaves it
 * alone so that the entry's own raw parser reads it.
 */
export function isRawBodyRequest(req: object): boolean {
  return matched.get(req)?.entry.binary?.request !== undefined;
}

/** True for a request to a public entry (sign-in): it is read before any authToken check, with a small limit. */
export function isPublicRequest(req: object): boolean {
  return matched.get(req)?.entry.access === 'public';
}

/** What runs one entry: access check, parsing, the handler, the answer. */
type Run = (req: Request, res: Response, params: Record<string, string>) => unknown;

/**
 * A dispatcher for the entries `which` selects: `public` ones go before the sign-in check, `signed-in` ones after
 * it (app.ts), so an unknown method on a known path still asks for sign-in first.
 */
export function endpointRouter(
  ctx: RestContext,
  handlers: HandlersFor<EndpointId>,
  which: 'public' | 'signed-in',
): RequestHandler {
  const runs = new Map<EndpointId, Run>();
  for (const e of ENDPOINTS.filter((x) => (x.access === 'public') === (which === 'public'))) {
    const handler = (handlers as Record<EndpointId, unknown>)[e.id] as Handler<Endpoint> | undefined; // typed per id where written
    if (!handler) throw new Error(`REST table: no handler for ${e.id} (${e.method.toUpperCase()} ${e.path})`);
    if (e.access === 'self' && !pathParamNames(e.path).includes('userId'))
      throw new Error(`${e.id}: access "self" needs a {userId} in ${e.path}`);
    runs.set(e.id, entryRun(ctx, e, handler));
  }
  // A binary body is read as it comes, whatever its content type says (clients send octet-stream or image/*).
  const rawBody = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });
  return (req, res, next) => {
    const route = matched.get(req);
    const run = route && runs.get(route.entry.id);
    if (!run) return next();
    const go = () => {
      try {
        const answer = run(req, res, route.params);
        if (answer instanceof Promise) answer.catch(next);
      } catch (err) {
        next(err);
      }
    };
    if (route.entry.binary?.request) rawBody(req, res, (err?: unknown) => (err ? next(err) : go()));
    else go();
  };
}

function entryRun(ctx: RestContext, e: Endpoint, handler: Handler<Endpoint>): Run {
  const handle = typeof handler === 'function' ? handler : handler.handle;
  const screenBody = typeof handler === 'function' ? undefined : handler.screenBody;
  const names = pathParamNames(e.path);
  const status = successStatus(e);
  const hasBody = successSchema(e) !== null;
  // Built once per entry rather than as a closure per request: it runs on every answer of the hot paths. The
  // status is one of the table's own 2xx codes, so express's range check of res.status() is not needed.
  const send = (res: Response, answer: unknown) => {
    if (answer === SENT) return;
    res.statusCode = status;
    if (hasBody) res.json(answer);
    else res.end();
  };
  return (req, res, raw) => {
    // The order of the checks is the answer a bad request gets: rights first, unless the right depends on the
    // user named in the path.
    let user: StoredUser | undefined = e.access === 'admin' ? requireAdmin(ctx, res) : undefined;
    const params: Record<string, unknown> = {};
    for (const name of names) params[name] = parse(paramSchema(e, name), raw[name], `path.${name}`);
    if (e.access === 'self') user = requireSelfOrAdmin(ctx, res, params.userId as number);
    const query = e.query ? parse(e.query, req.query, 'query') : undefined;
    screenBody?.(req.body);
    const body = e.body ? parse(e.body, req.body) : undefined;
    const input = {
      params,
      query,
      body,
      req,
      res,
      // Looked up only when asked: most signed-in answers do not need the caller.
      get actor() {
        return user ?? (e.access === 'public' ? undefined : actor(ctx, res));
      },
    };
    const answer = handle(input as HandlerInput<Endpoint>);
    if (answer instanceof Promise) return answer.then((a) => send(res, a));
    send(res, answer);
  };
}
