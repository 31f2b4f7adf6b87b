import express, { type Express } from 'express';
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

export function createRestApp(ctx: RestContext, packageVersion: string): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  const rest = express.Router();
  rest.use(routeLookup);
  // Any content type is read as JSON: clients forget the header, and a clear JSON error beats a silent `{}`. An
  // entry with a binary body (an avatar) reads its bytes itself.
  rest.use(express.json({ limit: BODY_LIMIT_BYTES, type: (req) => !isRawBodyRequest(req), strict: false }));
  rest.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
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
  rest.use(endpointRouter(ctx, handlers, 'public'));
  rest.use(requireAuth(ctx));
  rest.use(endpointRouter(ctx, handlers, 'signed-in'));
  rest.use(notFoundHandler);

  app.use('/rest', rest);
  app.get('/', webPage); // monitoring probes look for "STARFACE VoIP Software"; everything else is a JSON 404
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
