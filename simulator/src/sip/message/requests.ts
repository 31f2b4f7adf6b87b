import { SipHeaders } from './headers.js';
import { parseCSeq, type SipRequest, type SipResponse } from './message.js';
import type { Flow } from '../transport/flow.js';

/** An address as a URI host: IPv4-mapped IPv6 unwrapped, IPv6 in brackets. */
export function hostOf(address: string): string {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a.includes(':') ? `[${a}]` : a;
}

export interface NewRequest {
  method: string;
  uri: string;
  via: string;
  routes: readonly string[];
  from: string;
  to: string;
  callId: string;
  cseq: number;
  /** Header fields after CSeq, in this order. */
  extra?: readonly (readonly [string, string])[];
  /** An SDP body; its Content-Type comes last. */
  sdp?: string;
}

/** A request the simulator originates: Via, Route set, Max-Forwards 70, From, To, Call-ID, CSeq, then `extra`. */
export function newRequest(r: NewRequest): SipRequest {
  const headers = new SipHeaders();
  headers.append('Via', r.via);
  for (const route of r.routes) headers.append('Route', route);
  headers.append('Max-Forwards', '70');
  headers.append('From', r.from);
  headers.append('To', r.to);
  headers.append('Call-ID', r.callId);
  headers.append('CSeq', `${r.cseq} ${r.method}`);
  for (const [name, value] of r.extra ?? []) headers.append(name, value);
  if (r.sdp) headers.append('Content-Type', 'application/sdp');
  return {
    kind: 'request',
    method: r.method,
    uri: r.uri,
    version: 'SIP/2.0',
    headers,
    body: Buffer.from(r.sdp ?? '', 'utf8'),
  };
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
  return newRequest({
    method,
    uri: invite.uri,
    via: invite.headers.getAll('via')[0]!,
    routes: invite.headers.getAll('route'),
    from: invite.headers.get('from') ?? '',
    to: (answer ?? invite).headers.get('to') ?? '',
    callId: invite.headers.get('call-id') ?? '',
    cseq: parseCSeq(invite.headers.get('cseq'))?.seq ?? 1,
  });
}
