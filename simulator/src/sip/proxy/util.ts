import { SipHeaders } from '../message/headers.js';
import { parseCSeq, parseVia, type SipMessage, type SipRequest, type SipResponse } from '../message/message.js';
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

/**
 * The CANCEL (RFC 3261 §9.1) or the ACK of a non-2xx answer (§17.1.1.3) for an INVITE this side sent: hop by
 * hop, with the INVITE's own Via, Route, From, Call-ID and CSeq number; the ACK takes the answer's To (its tag).
 */
export function hopByHopRequest(method: 'CANCEL' | 'ACK', invite: SipRequest, answer?: SipResponse): SipRequest {
  const headers = new SipHeaders();
  headers.append('Via', invite.headers.getAll('via')[0]!);
  for (const route of invite.headers.getAll('route')) headers.append('Route', route);
  headers.append('Max-Forwards', '70');
  headers.append('From', invite.headers.get('from') ?? '');
  headers.append('To', (answer ?? invite).headers.get('to') ?? '');
  headers.append('Call-ID', invite.headers.get('call-id') ?? '');
  headers.append('CSeq', `${parseCSeq(invite.headers.get('cseq'))?.seq ?? 1} ${method}`);
  return { kind: 'request', method, uri: invite.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}
