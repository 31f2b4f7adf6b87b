/**
 * Mounts the REST table (`shared/api.ts`): one express route per entry, which checks access, parses the path
 * parameters, query and body with the entry's schemas and sends what the handler returns with the entry's 2xx
 * status. Handlers hold only what is particular to an endpoint.
 */
import express, { Router, type Request, type Response } from 'express';
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
import { BODY_LIMIT_BYTES, parse } from './errors.js';

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

/**
 * Literal segments before parameters, so `/users/me` wins over `/users/{userId}` wherever the table lists them;
 * otherwise the table's order.
 */
function bySpecificity(a: Endpoint, b: Endpoint): number {
  const sa = a.path.split('/');
  const sb = b.path.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const d = Number(sa[i]!.startsWith('{')) - Number(sb[i]!.startsWith('{'));
    if (d) return d;
  }
  return 0;
}

const RAW_BODY_ROUTES = ENDPOINTS.filter((e) => e.binary?.request).map((e) => ({
  method: e.method.toUpperCase(),
  path: new RegExp('^' + e.path.replace(/\{\w+\}/g, '[^/]+') + '/?$'),
}));

/**
 * True for a request to an entry whose body is raw bytes (`binary.request`): app.ts's JSON parser leaves it
 * alone so that the route's own raw parser reads it. `url` is relative to /rest.
 */
export function isRawBodyRequest(req: { method?: string; url?: string }): boolean {
  if (!RAW_BODY_ROUTES.length) return false;
  const path = (req.url ?? '').split('?')[0]!;
  return RAW_BODY_ROUTES.some((r) => r.method === req.method && r.path.test(path));
}

/**
 * A router for the entries `which` selects: `public` ones go before the sign-in check, `signed-in` ones after it
 * (app.ts), so an unknown method on a known path still asks for sign-in first.
 */
export function endpointRouter(
  ctx: RestContext,
  handlers: HandlersFor<EndpointId>,
  which: 'public' | 'signed-in',
): Router {
  const r = Router();
  const chosen = ENDPOINTS.filter((e) => (e.access === 'public') === (which === 'public'));
  for (const e of [...chosen].sort(bySpecificity)) {
    const handler = (handlers as Record<EndpointId, unknown>)[e.id] as Handler<Endpoint> | undefined; // typed per id where written
    if (!handler) throw new Error(`REST table: no handler for ${e.id} (${e.method.toUpperCase()} ${e.path})`);
    const handle = typeof handler === 'function' ? handler : handler.handle;
    const screenBody = typeof handler === 'function' ? undefined : handler.screenBody;
    const names = pathParamNames(e.path);
    if (e.access === 'self' && !names.includes('userId'))
      throw new Error(`${e.id}: access "self" needs a {userId} in ${e.path}`);
    const status = successStatus(e);
    const hasBody = successSchema(e) !== null;
    const expressPath = e.path.replace(/\{(\w+)\}/g, ':$1');
    // Built once per route rather than as a closure per request: it runs on every answer of the hot paths. The
    // status is one of the table's own 2xx codes, so express's range check of res.status() is not needed.
    const send = (res: Response, answer: unknown) => {
      if (answer === SENT) return;
      res.statusCode = status;
      if (hasBody) res.json(answer);
      else res.end();
    };

    // A binary body is read as it comes, whatever its content type says (clients send octet-stream or image/*).
    const rawBody = e.binary?.request ? [express.raw({ type: () => true, limit: BODY_LIMIT_BYTES })] : [];
    r[e.method](expressPath, ...rawBody, (req, res) => {
      // The order of the checks is the answer a bad request gets: rights first, unless the right depends on the
      // user named in the path.
      let user: StoredUser | undefined = e.access === 'admin' ? requireAdmin(ctx, res) : undefined;
      const params: Record<string, unknown> = {};
      for (const name of names) params[name] = parse(paramSchema(e, name), req.params[name], `path.${name}`);
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
    });
  }
  return r;
}
