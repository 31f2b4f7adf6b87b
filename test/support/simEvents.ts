import assert from 'node:assert/strict';
import type { RestClient } from './rest.js';

export interface SimEventEntry {
  seq: number;
  service: string;
  event: string;
  data: Record<string, unknown>;
}

/** Runs `change` and answers the events it caused (the REST event log; a change publishes before it answers). */
export async function eventsOf(admin: RestClient, change: () => Promise<unknown>): Promise<SimEventEntry[]> {
  const before = (await admin.get('/sim/events?sinceSeq=0&limit=1')).body.lastSeq as number;
  await change();
  const reply = await admin.get(`/sim/events?sinceSeq=${before}`);
  assert.equal(reply.status, 200);
  return reply.body.events as SimEventEntry[];
}
