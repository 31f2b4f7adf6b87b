import express, { type Express } from 'express';
import { requireAuth, type RestContext } from './context.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { licencesRouter } from './licences.js';
import { loginRouter } from './login.js';
import { modulesRouter } from './modules.js';
import { openApiRouter } from './openapi.js';
import { permissionsRouter } from './permissions.js';
import { serverRouter } from './server.js';
import { simRouter } from './sim.js';
import { replayRouter } from './replay.js';
import { teamsLoginRouter } from './teamsLogin.js';
import { ENDPOINTS } from '../../../shared/api.js';
import { usersRouter } from './users.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

const KNOWN_PATHS = ENDPOINTS.map((e) => new RegExp('^' + e.path.replace(/\{\w+\}/g, '[^/]+') + '/?$'));

/** An unknown path is a 404 even before sign-in: the paths are public (OpenAPI), the data is not. */
const rejectUnknownPaths: express.RequestHandler = (req, res, next) => {
  if (KNOWN_PATHS.some((re) => re.test(req.path))) next();
  else notFoundHandler(req, res, next);
};

export function createRestApp(ctx: RestContext, packageVersion: string): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  const rest = express.Router();
  // Any content type is read as JSON: clients forget the header, and a clear JSON error beats a silent `{}`.
  rest.use(express.json({ limit: BODY_LIMIT_BYTES, type: () => true, strict: false }));
  rest.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  rest.use(loginRouter(ctx));
  rest.use(teamsLoginRouter(ctx)); // the Teams app authenticates with the user's credentials itself
  rest.use(rejectUnknownPaths);
  rest.use(requireAuth(ctx));
  rest.use(usersRouter(ctx));
  rest.use(permissionsRouter(ctx));
  rest.use(serverRouter(ctx));
  rest.use(licencesRouter(ctx));
  rest.use(modulesRouter(ctx));
  rest.use(simRouter(ctx));
  rest.use(replayRouter(ctx));
  rest.use(openApiRouter(ctx, packageVersion));
  rest.use(notFoundHandler);

  app.use('/rest', rest);
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
