import { z } from 'zod';

export const CONNECTION_AUTH_METHODS = ['auto', 'legacy', 'oauth'] as const;
export const ConnectionAuthSchema = z.enum(CONNECTION_AUTH_METHODS);
export type ConnectionAuth = z.infer<typeof ConnectionAuthSchema>;

/** One entry of the setting `starface.connections`. Passwords never live here, only in SecretStorage. */
export const ConnectionSchema = z.strictObject({
  name: z.string().min(1).max(80),
  /** The PBX's address as a user types it (`https://pbx.example.com`, `http://127.0.0.1:8080`); `/rest` is appended. */
  url: z.string().min(1).max(500),
  login: z.string().min(1).max(64),
  kind: z.enum(['simulator', 'pbx']).default('pbx'),
  /**
   * How to sign in: `legacy` the login handshake (authToken), `oauth` STARFACE 10's password grant (Bearer),
   * `auto` OAuth when the PBX offers it and a client secret is stored, else legacy (extension/src/pbx/signIn.ts).
   */
  auth: ConnectionAuthSchema.default('auto'),
});
export type Connection = z.infer<typeof ConnectionSchema>;
export const ConnectionListSchema = z.array(ConnectionSchema);

/**
 * What a caller (a test, another extension) may pass to `starface.addConnection`: an entry and, optionally, its
 * password. Strict, so that anything else a command receives (VS Code passes the focused tree node to a view's
 * title buttons) is told apart from it.
 */
export const ConnectionDetailsSchema = ConnectionSchema.extend({
  kind: z.enum(['simulator', 'pbx']).optional(),
  auth: ConnectionAuthSchema.optional(),
  password: z.string().optional(),
  /** STARFACE 10's OAuth client secret, kept in SecretStorage once a sign-in has taken it. */
  clientSecret: z.string().optional(),
}).refine((d) => isAddress(d.url), { path: ['url'], message: 'not an http or https address' });
export type ConnectionDetails = z.infer<typeof ConnectionDetailsSchema>;

function isAddress(address: string): boolean {
  try {
    restBaseUrl(address);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns what a user types into the REST base URL: adds `https://` when no scheme is given, drops a trailing
 * slash and appends `/rest` unless it is already there. Refuses an address with a user name or password.
 */
export function restBaseUrl(address: string): string {
  let value = address.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) value = `https://${value}`;
  const url = new URL(value);
  // Credentials belong in the login and SecretStorage; the message must not repeat them.
  if (url.username || url.password)
    throw new Error(`the address must not contain a user name or password (${url.host}): give the login separately`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`"${address}" is not an http or https address`);
  url.search = '';
  url.hash = '';
  let path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/rest')) path += '/rest';
  url.pathname = path;
  return url.toString().replace(/\/$/, '');
}

/**
 * An address beside the REST API on the same PBX (`https://pbx/rest` → `https://pbx` + `path`): the UCI's XML-RPC
 * endpoint, the OAuth token endpoint. Query and fragment of the base are dropped.
 */
export function besideRest(restBase: string, path: string): string {
  const url = new URL(restBase);
  url.pathname = url.pathname.replace(/\/rest\/?$/, '') + path;
  url.search = '';
  url.hash = '';
  return url.toString();
}
