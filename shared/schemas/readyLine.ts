import { z } from 'zod';

/**
 * The one JSON line `starface-sim --ready-json` prints on stdout once every listener is up (DESIGN.md). Keys are
 * only ever added (`xmlRpc` came later), so a reader keeps keys it does not know.
 */
export const ReadyLineSchema = z.looseObject({
  ready: z.literal(true),
  rest: z.string(),
  uci: z.string(),
  sipWs: z.string(),
  sipUdp: z.string(),
  sipTcp: z.string(),
  xmlRpc: z.string(),
  pid: z.number().int(),
  /** With `--tls` only: SIP over TLS, `H:P`. */
  sipTls: z.string().optional(),
  /** With `--tls` only: absolute path of the local CA's certificate (PEM) that signed the server certificate. */
  ca: z.string().optional(),
  /** With `--tls` only: SHA-256 of the server certificate (DER), upper-case hex pairs joined by `:`. */
  fingerprint: z.string().optional(),
});
export type ReadyLine = z.infer<typeof ReadyLineSchema>;
