import { IncomingMessage, ServerResponse, type RequestListener } from 'node:http';
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { EndpointId } from '../../../shared/api.js';
import { callJournalHandlers } from './callJournal.js';
import { callServicesHandlers } from './callServices.js';
import { conferencesHandlers } from './conferences.js';
import { contactsHandlers } from './contacts.js';
import { requireAuth, type RestContext } from './context.js';
import { endpointRouter, isPublicRequest, isRawBodyRequest, routeLookup, type HandlersFor } from './endpoints.js';
import {
  BODY_LIMIT_BYTES,
  PUBLIC_BODY_LIMIT_BYTES,
  checkJsonDepth,
  checkParsedDepth,
  errorHandler,
  notFoundHandler,
} from './errors.js';
import { SimError } from '../state/errors.js';
import { fmcHandlers } from './fmc.js';
import { functionKeysHandlers } from './functionKeys.js';
import { groupsHandlers } from './groups.js';
import { licencesHandlers } from './licences.js';
import { loginHandlers } from './login.js';
import { modulesHandlers } from './modules.js';
import { openApiHandlers } from './openapi.js';
import { permissionsHandlers } from './permissions.js';
import { phoneNumbersHandlers } from './phoneNumbers.js';
import { phonesHandlers } from './phones.js';
import { redirectsHandlers } from './redirects.js';
import { replayHandlers } from './replay.js';
import { storyHandlers } from './story.js';
import { serverHandlers } from './server.js';
import { simHandlers } from './sim.js';
import { teamsLoginHandlers } from './teamsLogin.js';
import { usersHandlers } from './users.js';
import { voicemailHandlers } from './voicemail.js';
import { webPage } from './webPage.js';
import { oauthTokenHandler } from '../auth/oauthEndpoint.js';
import { OAUTH_TOKEN_PATH } from '../../../shared/schemas/oauth.js';

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/**
 * The /rest middlewares as one: each runs when the one before calls `next()`, an error goes to the app's error
 * handler. The same order as a Router, without its layer walk per step (it showed in the REST bench's profile).
 */
function steps(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, done) => {
    let i = 0;
    const next = (err?: unknown): void => {
      if (err) return done(err);
      const handler = handlers[i++];
      if (!handler) return done();
      try {
        const result: unknown = handler(req, res, next);
        if (result instanceof Promise) result.catch(done);
      } catch (e) {
        done(e);
      }
    };
    next();
  };
}

/**
 * The simulator's HTTP answers: REST under /rest, the web page at /, JSON 404s elsewhere. `serverOptions` go to
 * http.createServer: its requests and responses are then born with express's prototypes instead of having them
 * swapped in per request (a prototype change per object was the next cost in the REST bench's profile).
 */
export interface RestHttp {
  listener: RequestListener;
  serverOptions: { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse };
}

export function createRestApp(ctx: RestContext, packageVersion: string): RestHttp {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  // Every entry of the REST table needs its handler here: a missing one does not compile.
  const handlers: HandlersFor<EndpointId> = {
    ...loginHandlers(ctx),
    ...serverHandlers(ctx),
    ...usersHandlers(ctx),
    ...permissionsHandlers(ctx),
    ...phonesHandlers(ctx),
    ...phoneNumbersHandlers(ctx),
    ...licencesHandlers(ctx),
    ...modulesHandlers(ctx),
    ...simHandlers(ctx),
    ...callJournalHandlers(ctx),
    ...groupsHandlers(ctx),
    ...redirectsHandlers(ctx),
    ...callServicesHandlers(ctx),
    ...contactsHandlers(ctx),
    ...conferencesHandlers(ctx),
    ...teamsLoginHandlers(ctx), // public: the Teams app authenticates with the user's credentials itself
    ...replayHandlers(ctx),
    ...storyHandlers(ctx),
    ...openApiHandlers(packageVersion),
    ...functionKeysHandlers(ctx),
    ...voicemailHandlers(ctx),
    ...fmcHandlers(ctx),
  };
  // Only an application/json body (any charset, as the real STARFACE's JAX-RS takes it) is parsed; another
  // content type is a 415 (jsonOnly). An entry with a binary body (an avatar) reads its bytes itself. The depth
  // scan runs on the raw bytes before JSON.parse.
  const verify = (_req: unknown, res: express.Response, buf: Buffer, encoding: string): void => {
    if (encoding.toLowerCase() === 'utf-8') checkJsonDepth(buf);
    else res.locals.depthUnchecked = true;
  };
  const json = (limit: number) => {
    const parse = express.json({ limit, type: JSON_TYPE, strict: false, verify });
    const step: express.RequestHandler = (req, res, next) =>
      parse(req, res, (err?: unknown) => {
        if (err) return next(err);
        try {
          if (res.locals.depthUnchecked === true) checkParsedDepth(req.body);
        } catch (depthErr) {
          return next(depthErr);
        }
        next();
      });
    return step;
  };
  const publicJson = json(PUBLIC_BODY_LIMIT_BYTES);
  const signedInJson = json(BODY_LIMIT_BYTES);
  const checkAuth = requireAuth(ctx);
  const rest = steps(
    routeLookup,
    noStore,
    // The authToken before the body: an unauthenticated caller gets its 401 without a byte of the body parsed.
    (req, res, next) => (isPublicRequest(req) ? next() : checkAuth(req, res, next)),
    jsonOnly,
    (req, res, next) => {
      if (isRawBodyRequest(req)) return next(); // an avatar's bytes, even when they say application/json
      return isPublicRequest(req) ? publicJson(req, res, next) : signedInJson(req, res, next);
    },
    endpointRouter(ctx, handlers, 'public'),
    endpointRouter(ctx, handlers, 'signed-in'),
    notFoundHandler,
  );
  // /rest never reaches the express app: restFirst() hands it to `rest` directly.
  // STARFACE 10's token endpoint (Keycloak's path, outside /rest): a form body, OAuth's own JSON answers.
  app.all(OAUTH_TOKEN_PATH, oauthTokenHandler(ctx.oauth, ctx.log));
  app.get('/', webPage); // monitoring probes look for "STARFACE VoIP Software"; everything else is a JSON 404
  app.use(notFoundHandler);
  const onError = errorHandler(ctx.log);
  app.use(onError);
  // Classes whose instances inherit express's request and response behaviour from birth.
  class RestRequest extends IncomingMessage {}
  Object.setPrototypeOf(RestRequest.prototype, app.request);
  class RestResponse<R extends IncomingMessage = IncomingMessage> extends ServerResponse<R> {}
  Object.setPrototypeOf(RestResponse.prototype, app.response);
  return {
    listener: restFirst(app, rest, onError, RestRequest),
    serverOptions: { IncomingMessage: RestRequest, ServerResponse: RestResponse },
  };
}

const JSON_TYPE = 'application/json';

/** A body (an empty one aside) must say it is JSON, unless its entry reads raw bytes. */
const jsonOnly: RequestHandler = (req, _res, next) => {
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (!hasBody || isRawBodyRequest(req) || req.is(JSON_TYPE)) return next();
  const type = req.headers['content-type'];
  throw new SimError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    type
      ? `A request body must be application/json, not ${type}`
      : 'A request body needs Content-Type: application/json',
    { contentType: type ?? null, expected: JSON_TYPE },
  );
};

const REST_PREFIX = /^\/rest(?=\/|\?|$)/i;

/**
 * The HTTP entry: a /rest request goes straight to the REST steps, with what express's own entry and its mount
 * would set (the request and response prototypes, `baseUrl`, the path below /rest); anything else goes through
 * the express app. Express's per-request router was a fifth of the CPU of the REST bench (a bare express app
 * answering one JSON document reaches a quarter of what node's http does on this machine).
 */
function restFirst(
  app: Express,
  rest: RequestHandler,
  onError: ErrorRequestHandler,
  born: typeof IncomingMessage,
): RequestListener {
  return (req, res) => {
    const url = req.url ?? '/';
    // No browser may guess another type for an answer (a reflected string in a JSON error must stay data).
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const prefix = REST_PREFIX.exec(url);
    if (!prefix) return void app(req, res);
    // A server made without serverOptions hands over plain objects: they get the prototypes as express does it.
    const request = (req instanceof born ? req : Object.setPrototypeOf(req, app.request)) as Request;
    const response = (req instanceof born ? res : Object.setPrototypeOf(res, app.response)) as Response;
    request.res = response;
    response.req = request;
    response.locals ??= Object.create(null) as Record<string, unknown>;
    request.originalUrl = url;
    request.baseUrl = url.slice(0, prefix[0].length);
    const below = url.slice(prefix[0].length);
    request.url = below.startsWith('/') ? below : `/${below}`;
    const fail = (err: unknown) => {
      // Refused before its body was read (401, 413, 415): the connection closes instead of reading the rest.
      if (!request.complete && !response.headersSent) {
        response.shouldKeepAlive = false;
        response.setHeader('Connection', 'close');
      }
      onError(err, request, response, () => undefined);
    };
    try {
      rest(request, response, (err?: unknown) =>
        err ? fail(err) : notFoundHandler(request, response, () => undefined),
      );
    } catch (err) {
      fail(err);
    }
  };
}
