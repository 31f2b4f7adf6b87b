import { randomBytes } from 'node:crypto';
import { tagOf, type SipRequest, type SipResponse } from '../message/message.js';
import { hostOf, newRequest, viaFor } from '../message/requests.js';
import { formatNameAddr, formatUri, parseNameAddr } from '../message/uri.js';
import type { Binding } from '../registrar.js';
import type { Flow } from '../transport/flow.js';
import { UA_ALLOW } from '../ua/answer.js';
import { sdpOf } from '../ua/sdp.js';
import type { Fork, Leg, LegDialog } from './sessions.js';

export function nameAddr(display: string, user: string, domain: string): string {
  return formatNameAddr({
    display: display || undefined,
    uri: formatUri({ scheme: 'sip', user, host: domain }),
    params: {},
  });
}

function newBranch(): string {
  return `z9hG4bK${randomBytes(10).toString('hex')}`;
}

/** The B2BUA's Contact on the flow a leg runs over. */
export function b2buaContact(flow: Flow): string {
  return `<sip:starface-sim@${hostOf(flow.local.address)}:${flow.local.port};transport=${flow.transport.toLowerCase()}>`;
}

/** A leg's INVITE to one registered contact of its party, as a new fork of the leg. */
export function inviteFork(leg: Leg, binding: Binding, sdp?: string): Fork {
  const branch = newBranch();
  const extra: [string, string][] = [
    ['Contact', b2buaContact(binding.flow)],
    ['Allow', UA_ALLOW],
  ];
  // A hint for phones that auto-answer click-to-dial calls (the Call-Info answer-after convention).
  if (leg.role === 'phone') extra.push(['Call-Info', `<sip:${leg.session.domain}>;answer-after=0`]);
  extra.push(['User-Agent', 'STARFACE simulator click-to-dial']);
  const req = newRequest({
    method: 'INVITE',
    uri: binding.contact,
    via: viaFor(binding.flow, branch),
    routes: binding.path,
    from: leg.from,
    to: leg.to,
    callId: leg.callId,
    cseq: leg.inviteCseq,
    extra,
    sdp,
  });
  return { branch, req, binding, status: 0, cancelled: false };
}

/** A request within the leg's dialog (RFC 3261 §12.2.1.1). */
export function inDialogRequest(
  leg: Leg,
  d: LegDialog,
  method: string,
  cseq: number,
  opts: { sdp?: string; reason?: string } = {},
): SipRequest {
  return newRequest({
    method,
    uri: d.target,
    via: viaFor(d.flow, newBranch()),
    routes: d.routes,
    from: leg.from,
    to: d.to,
    callId: leg.callId,
    cseq,
    extra: opts.reason ? [['Reason', opts.reason]] : [],
    sdp: opts.sdp,
  });
}

/** The dialog a fork's 2xx makes (RFC 3261 §12.1.2): remote tag, target, route set, the SDP it carried. */
export function dialogFrom(fork: Fork, res: SipResponse): LegDialog {
  const contact = parseNameAddr(res.headers.getAll('contact')[0] ?? '')?.uri;
  const rr = res.headers.getAll('record-route').reverse();
  return {
    fork,
    remoteTag: tagOf(res.headers.get('to')) ?? '',
    to: res.headers.get('to') ?? fork.req.headers.get('to') ?? '',
    target: contact ?? fork.binding.contact,
    routes: rr.length ? rr : fork.binding.path,
    flow: fork.binding.flow,
    sdp: sdpOf(res),
  };
}
