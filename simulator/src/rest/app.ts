import express, { type Express, type RequestHandler } from 'express';
import type { EndpointId } from '../../../shared/api.js';
import { callServicesHandlers } from './callServices.js';
import { conferencesHandlers } from './conferences.js';
import { contactsHandlers } from './contacts.js';
import { requireAuth, type RestContext } from './context.js';
import { endpointRouter, isRawBodyRequest, routeLookup, type HandlersFor } from './endpoints.js';
import { BODY_LIMIT_BYTES, errorHandler, notFoundHandler } from './errors.js';
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
import { serverHandlers } from './server.js';
import { simHandlers } from './sim.js';
import { teamsLoginHandlers } from './teamsLogin.js';
import { usersHandlers } from './users.js';
import { voicemailHandlers } from './voicemail.js';
import { webPage } from './webPage.js';

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

export function createRestApp(ctx: RestContext, packageVersion: string): Express {
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
    ...groupsHandlers(ctx),
    ...redirectsHandlers(ctx),
    ...callServicesHandlers(ctx),
    ...contactsHandlers(ctx),
    ...conferencesHandlers(ctx),
    ...teamsLoginHandlers(ctx), // public: the Teams app authenticates with the user's credentials itself
    ...replayHandlers(ctx),
    ...openApiHandlers(packageVersion),
    ...functionKeysHandlers(ctx),
    ...voicemailHandlers(ctx),
    ...fmcHandlers(ctx),
  };
  app.use(
    '/rest',
    steps(
      routeLookup,
      // Any content type is read as JSON: clients forget the header, and a clear JSON error beats a silent `{}`.
      // An entry with a binary body (an avatar) reads its bytes itself.
      express.json({ limit: BODY_LIMIT_BYTES, type: (req) => !isRawBodyRequest(req), strict: false }),
      noStore,
      endpointRouter(ctx, handlers, 'public'),
      requireAuth(ctx),
      endpointRouter(ctx, handlers, 'signed-in'),
      notFoundHandler,
    ),
  );
  app.get('/', webPage); // monitoring probes look for "STARFACE VoIP Software"; everything else is a JSON 404
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
