/**
 * The token endpoint of a STARFACE 10 (`POST /auth/realms/pbx/oauth2/token`): an application/x-www-form-urlencoded
 * body of a few KiB at most, the client's credentials in the body (client_secret_post, what the PBX's examples
 * send) or in HTTP Basic (client_secret_basic, what many OAuth libraries send), answers in Keycloak's JSON. Below
 * version 10 there is no such endpoint: 404, as on a 6.x–8.x PBX. The grants themselves are OAuthRealm's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import {
  OAUTH_MAX_BODY_BYTES,
  OAUTH_REALM_PATH,
  OAuthGrantTypeSchema,
  type OAuthError,
  type OAuthErrorCode,
} from '../../../shared/schemas/oauth.js';
import type { Logger } from '../log.js';
import type { GrantOutcome, OAuthRealm } from './oauth.js';

const FORM_TYPE = 'application/x-www-form-urlencoded';
/** Parameters a grant reads: each may come once (Keycloak refuses a repeated one as well). */
const SINGLE = ['grant_type', 'client_id', 'client_secret', 'username', 'password', 'scope', 'refresh_token'];

export function oauthTokenHandler(realm: OAuthRealm, log: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (!realm.available()) {
      // The path does not exist on an older PBX; the simulator's own 404 says why.
      sendJson(res, 404, {
        code: 'NOT_FOUND',
        message: `No OAuth on this PBX: it reports version ${realm.version}; STARFACE 10 or later has the token endpoint (scenario "starface-10", or --version-string 10.x.y.z)`,
      });
      req.resume();
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      refuse(res, 405, 'invalid_request', `The token endpoint takes POST, not ${req.method}`);
      req.resume();
      return;
    }
    const type = req.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
    if (type !== FORM_TYPE) {
      // Not read: the connection closes instead.
      closeAfter(res);
      refuse(res, 400, 'invalid_request', `The body must be ${FORM_TYPE}, not ${type ?? 'without Content-Type'}`);
      req.resume();
      return;
    }
    readBody(req, res).then(
      (body) => {
        if (body === undefined) return;
        const outcome = grant(realm, new URLSearchParams(body), req);
        const address = req.socket.remoteAddress ?? 'unknown';
        if (outcome.ok) {
          log('info', 'oauth grant', { grant: outcome.grant, login: outcome.login, address });
          sendJson(res, 200, outcome.answer);
          return;
        }
        log('info', 'oauth grant refused', {
          grant: outcome.grant,
          login: outcome.login,
          address,
          error: outcome.error,
        });
        if (outcome.retryAfter !== undefined) res.setHeader('Retry-After', String(outcome.retryAfter));
        if (outcome.status === 401 && outcome.error === 'invalid_client' && outcome.basic)
          res.setHeader('WWW-Authenticate', 'Basic realm="pbx"');
        refuse(res, outcome.status, outcome.error, outcome.description);
      },
      () => undefined,
    );
  };
}

type Answer = GrantOutcome & { grant?: string; basic?: boolean };

function grant(realm: OAuthRealm, form: URLSearchParams, req: IncomingMessage): Answer {
  for (const name of SINGLE)
    if (form.getAll(name).length > 1) return refusal(400, 'invalid_request', `duplicated parameter: ${name}`);
  const grantType = form.get('grant_type') ?? undefined;
  if (grantType === undefined) return refusal(400, 'invalid_request', 'Missing form parameter: grant_type');
  const basic = basicCredentials(req.headers.authorization);
  if (basic === null) return refusal(400, 'invalid_request', 'The Authorization header is not valid HTTP Basic');
  const clientId = basic?.id ?? form.get('client_id') ?? undefined;
  const secret = basic?.secret ?? form.get('client_secret') ?? undefined;
  const client = realm.checkClient(clientId, secret);
  if (client) return { ...client, grant: grantType, basic: basic !== undefined };
  const known = OAuthGrantTypeSchema.safeParse(grantType);
  if (!known.success) return { ...refusal(400, 'unsupported_grant_type', 'Unsupported grant_type'), grant: grantType };
  const issuer = issuerOf(req);
  if (known.data === 'password') {
    const outcome = realm.passwordGrant(
      {
        username: form.get('username') ?? undefined,
        password: form.get('password') ?? undefined,
        scope: form.get('scope') ?? undefined,
      },
      issuer,
      req.socket.remoteAddress ?? 'unknown',
    );
    return { ...outcome, grant: 'password' };
  }
  return {
    ...realm.refreshGrant({ refreshToken: form.get('refresh_token') ?? undefined }, issuer),
    grant: 'refresh_token',
  };
}

/**
 * The client's id and secret from `Authorization: Basic` (RFC 6749 §2.3.1: each form-urlencoded, then joined by a
 * colon); undefined without such a header, null for a broken one. Another scheme is not client authentication.
 */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined | null {
  const m = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return header !== undefined && /^Basic\b/i.test(header) ? null : undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  try {
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/** Keycloak's `iss`: the address the client used, plus the realm (no check of it later: names may differ). */
function issuerOf(req: IncomingMessage): string {
  const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  const host = req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;
  return `${scheme}://${host}${OAUTH_REALM_PATH}`;
}

/** The body as text, or undefined when it was too large (then answered with 413 here). */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
  const tooLarge = () => {
    closeAfter(res);
    refuse(res, 413, 'invalid_request', `The request body exceeds ${OAUTH_MAX_BODY_BYTES} bytes`);
  };
  if (Number(req.headers['content-length'] ?? 0) > OAUTH_MAX_BODY_BYTES) {
    tooLarge();
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (res.headersSent) return;
      size += c.length;
      if (size > OAUTH_MAX_BODY_BYTES) {
        tooLarge();
        resolve(undefined);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(res.headersSent ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function refusal(status: 400 | 401, error: OAuthErrorCode, description: string): Answer {
  return { ok: false, status, error, description };
}

function refuse(res: ServerResponse, status: number, error: OAuthErrorCode, description: string): void {
  const body: OAuthError = { error, error_description: description };
  sendJson(res, status, body);
}

function closeAfter(res: ServerResponse): void {
  res.shouldKeepAlive = false;
  res.setHeader('Connection', 'close');
}

/** RFC 6749 §5.1: token answers (and their refusals) are never cached. */
function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    })
    .end(text);
}
