/**
 * The OAuth sign-in of STARFACE 10 and later: a Keycloak (realm `pbx`) on the PBX issues JWTs for the REST API
 * (`Authorization: Bearer`) and the UCI (`de.vertico.starface.jwt`). Facts: starface-uci-methods.md §1.2 and
 * starface-rest.md; the error answers are Keycloak's (RFC 6749 §5.2). The simulator offers it when the PBX
 * version it reports is 10 or later (scenario `starface-10`).
 */
import { z } from 'zod';
import { parseVersion } from '../version.js';

/** The realm's base below the PBX address; Keycloak's issuer (`iss`) is the PBX address plus this. */
export const OAUTH_REALM_PATH = '/auth/realms/pbx';
/** The token endpoint (POST, application/x-www-form-urlencoded), for both grants. */
export const OAUTH_TOKEN_PATH = `${OAUTH_REALM_PATH}/oauth2/token`;
/** The one client: headless REST clients, authenticated with the PBX's client secret. */
export const OAUTH_CLIENT_ID = 'rest-client-headless';
/** The one scope the PBX hands out. */
export const OAUTH_SCOPE = 'login';
/** Seconds an access token lives (`expires_in`). */
export const OAUTH_ACCESS_TOKEN_LIFETIME_S = 300;
/** Seconds a refresh token lives from its grant (`refresh_expires_in`); each refresh grant starts a new one. */
export const OAUTH_REFRESH_TOKEN_LIFETIME_S = 21_600;
/** The first major version with OAuth; an older PBX answers 404 at the token endpoint. */
export const OAUTH_MIN_MAJOR = 10;
/** Keycloak's client secrets: 32 characters of A–Z, a–z, 0–9. */
export const OAUTH_CLIENT_SECRET_PATTERN = /^[A-Za-z0-9]{32}$/;
/** The largest token request body read (a few form fields and a refresh token). */
export const OAUTH_MAX_BODY_BYTES = 8 * 1024;

/** True when a PBX of this version offers OAuth (major 10 or later); false for a malformed version. */
export function oauthAvailable(version: string): boolean {
  try {
    return parseVersion(version)[0] >= OAUTH_MIN_MAJOR;
  } catch {
    return false;
  }
}

export const OAuthGrantTypeSchema = z.enum(['password', 'refresh_token']);
export type OAuthGrantType = z.infer<typeof OAuthGrantTypeSchema>;

/** A successful grant (RFC 6749 §5.1, with Keycloak's extra members). */
export const OAuthTokenAnswerSchema = z
  .object({
    access_token: z.string(),
    expires_in: z.number().int(),
    refresh_expires_in: z.number().int(),
    refresh_token: z.string(),
    token_type: z.literal('Bearer'),
    'not-before-policy': z.number().int(),
    session_state: z.string(),
    scope: z.string(),
  })
  .meta({ id: 'OAuthTokenAnswer' });
export type OAuthTokenAnswer = z.infer<typeof OAuthTokenAnswerSchema>;

/** The error codes of RFC 6749 §5.2 the endpoint answers. */
export const OAuthErrorCodeSchema = z.enum([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unsupported_grant_type',
  'invalid_scope',
]);
export type OAuthErrorCode = z.infer<typeof OAuthErrorCodeSchema>;

/** A refused grant: `{error, error_description}` as Keycloak sends it. */
export const OAuthErrorSchema = z
  .object({ error: OAuthErrorCodeSchema, error_description: z.string() })
  .meta({ id: 'OAuthError' });
export type OAuthError = z.infer<typeof OAuthErrorSchema>;

/** The claims of an access token (`typ` Bearer) or a refresh token (`typ` Refresh), as Keycloak names them. */
export const OAuthTokenClaimsSchema = z.looseObject({
  exp: z.number().int(),
  iat: z.number().int(),
  jti: z.string(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.string(),
  typ: z.enum(['Bearer', 'Refresh']),
  azp: z.literal(OAUTH_CLIENT_ID),
  sid: z.string(),
  session_state: z.string(),
  scope: z.string(),
  preferred_username: z.string().optional(),
});
export type OAuthTokenClaims = z.infer<typeof OAuthTokenClaimsSchema>;

/**
 * GET /rest/sim/oauth: what a trainer reads in the admin UI (Server › Status › REST-API) and a client needs for
 * the password grant. Admin only: the client secret is the PBX's.
 */
export const OAuthClientInfoSchema = z
  .object({
    clientId: z.literal(OAUTH_CLIENT_ID),
    clientSecret: z.string().regex(OAUTH_CLIENT_SECRET_PATTERN),
    tokenUrl: z.string().describe('The token endpoint at the address the request came to'),
    scope: z.literal(OAUTH_SCOPE),
    accessTokenLifetime: z.number().int().describe('Seconds (expires_in)'),
    refreshTokenLifetime: z.number().int().describe('Seconds (refresh_expires_in)'),
    right: z
      .object({ id: z.number().int(), permission: z.string(), description: z.string() })
      .describe('The right a user needs for the password grant'),
  })
  .meta({ id: 'OAuthClientInfo' });
export type OAuthClientInfo = z.infer<typeof OAuthClientInfoSchema>;
