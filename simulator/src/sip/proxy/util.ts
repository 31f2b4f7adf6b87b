import { parseVia, type SipMessage } from '../message/message.js';
import { parseNameAddr } from '../message/uri.js';
import type { Flow } from '../transport/flow.js';

/** The tag parameter of a From or To value. */
export function tagOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const na = parseNameAddr(value);
  const tag = na?.params.tag;
  return tag ?? undefined;
}

/** The branch of the topmost Via. */
export function topBranch(msg: SipMessage): string | undefined {
  const top = msg.headers.getAll('via')[0];
  const via = top === undefined ? undefined : parseVia(top);
  const b = via?.params.branch;
  return b ?? undefined;
}

/** An address as a URI host: IPv4-mapped IPv6 unwrapped, IPv6 in brackets. */
export function hostOf(address: string): string {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a.includes(':') ? `[${a}]` : a;
}

/** Our Via for a request sent on `flow`. */
export function viaFor(flow: Flow, branch: string): string {
  return `SIP/2.0/${flow.transport} ${hostOf(flow.local.address)}:${flow.local.port};branch=${branch}`;
}
