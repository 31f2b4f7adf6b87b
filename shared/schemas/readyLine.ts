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
});
export type ReadyLine = z.infer<typeof ReadyLineSchema>;
