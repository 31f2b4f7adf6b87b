import { z } from 'zod';

/** One SIP binding as `GET /rest/sim/registrations` shows it. */
export const RegistrationSchema = z
  .object({
    aor: z.string().describe('Address of record, sip:<login>@<domain>'),
    userId: z.number().int(),
    login: z.string(),
    extension: z.string().nullable(),
    contact: z.string(),
    transport: z.enum(['UDP', 'TCP', 'TLS', 'WS', 'WSS']),
    source: z.string().describe('address:port the REGISTER came from'),
    expiresAt: z.string(),
    expiresIn: z.number().int(),
    callId: z.string(),
    cseq: z.number().int(),
    path: z.array(z.string()),
    userAgent: z.string().nullable(),
    registeredAt: z.string(),
  })
  .meta({ id: 'Registration' });
export type Registration = z.infer<typeof RegistrationSchema>;
export const RegistrationListSchema = z.array(RegistrationSchema);

/** Registrar limits (seconds): the default when a client names none, the longest and the shortest we accept. */
export const REGISTRAR_LIMITS = { defaultExpires: 3600, maxExpires: 7200, minExpires: 60 } as const;

/** Event names of `sim.events.registrar` (service SIM_SERVICES.registrar). */
export const REGISTRAR_EVENTS = {
  /** A new binding (data: aor, userId, login, contact, transport, source, expires). */
  registered: 'registered',
  /** An existing binding renewed. */
  refreshed: 'refreshed',
  /** A binding removed: data.reason `expires=0`, `wildcard` or `connection closed`. */
  unregistered: 'unregistered',
  /** A binding ran out. */
  expired: 'expired',
  /** The registrar or the proxy refused a SIP request; data: {@link SipRefusalSchema}. Aggregated per source. */
  requestRefused: 'request-refused',
} as const;

/**
 * Why a SIP request was refused. Digest: `wrong-password` (the response does not match), `unknown-user`,
 * `stale-nonce` (right credentials, expired nonce: the client should retry with the fresh one), `bad-nonce`
 * (not one of ours), `replay` (nonce-count not higher: sip.js does this when it unregisters), `wrong-realm`,
 * `unsupported-algorithm` (not offered), `missing-qop`, `malformed-credentials`, `throttled` (403: too many
 * failed sign-ins of this login from this address, not checked), `spent-nonce` (a nonce already spent on a wrong
 * response: challenged anew, not checked). Addresses: `aor-mismatch`
 * (403: someone else's address), `from-mismatch` (403: a call From someone else), `unknown-aor` (404),
 * `unknown-domain` (404), `unknown-number` (404: no such callee), `not-registered` (480). Requests:
 * `malformed` (400), `bad-expires`, `interval-too-brief` (423), `cseq-out-of-order`, `unsupported-uri` (416),
 * `unsupported-extension` (420), `too-many-hops` (483), `method-not-allowed` (405).
 */
export const SIP_REFUSAL_REASONS = [
  'wrong-password',
  'unknown-user',
  'stale-nonce',
  'bad-nonce',
  'replay',
  'wrong-realm',
  'unsupported-algorithm',
  'missing-qop',
  'malformed-credentials',
  'throttled',
  'spent-nonce',
  'aor-mismatch',
  'from-mismatch',
  'unknown-aor',
  'unknown-domain',
  'unknown-number',
  'not-registered',
  // A call the PBX refuses for its telephony: the called user is busy (no call waiting, no BUSY redirect), a
  // chain of redirects loops or grows too long, a redirect leads to a number with no route.
  'busy',
  'redirect-loop',
  'no-route',
  'malformed',
  'bad-expires',
  'interval-too-brief',
  'cseq-out-of-order',
  'unsupported-uri',
  'unsupported-extension',
  'too-many-hops',
  'method-not-allowed',
] as const;
export type SipRefusalReason = (typeof SIP_REFUSAL_REASONS)[number];

/**
 * `data` of a `request-refused` event. Never holds the password, the digest response or the nonce. The first
 * refusal of a source (address, whatever the port, and reason) is published at once with `count` 1; further ones within the
 * aggregation window (10 s) are counted and published as one event when the window closes, with `count` = how
 * many, `firstAt`/`lastAt` and the details of the last one.
 */
export const SipRefusalSchema = z
  .object({
    method: z.string(),
    status: z.number().int().describe('The SIP status answered (401, 403, 404, …)'),
    reason: z.enum(SIP_REFUSAL_REASONS),
    message: z.string().describe('English explanation'),
    source: z
      .string()
      .describe(
        'the address the request came from, whatever the port (IPv6: its /64, as one host holds it whole); "*" for sources beyond the first 1,000 tracked at once',
      ),
    transport: z.enum(['UDP', 'TCP', 'TLS', 'WS', 'WSS']),
    login: z.string().optional().describe('The digest user name sent, if any'),
    aor: z.string().optional().describe('The address of record (REGISTER To) or the caller (From)'),
    target: z.string().optional().describe('The Request-URI of a refused call or other request'),
    count: z.number().int().min(1).describe('Refusals this event stands for'),
    firstAt: z.string(),
    lastAt: z.string(),
  })
  .meta({ id: 'SipRefusal' });
export type SipRefusal = z.infer<typeof SipRefusalSchema>;
