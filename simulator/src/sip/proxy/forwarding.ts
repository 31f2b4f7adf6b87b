import { canonicalName, SipHeaders } from '../message/headers.js';
import { tagOf, type SipRequest, type SipResponse } from '../message/message.js';
import { hostOf, viaFor } from '../message/requests.js';
import { parseNameAddr, parseUri } from '../message/uri.js';
import type { Flow } from '../transport/flow.js';
import type { ServerTxn } from './transactions.js';

/** A parameter in our Record-Route URIs, so we recognise our own Route headers. */
const RR_MARK = 'sfsim';

/** What a forwarded copy is made from: the request and where it came from. */
export type ForwardSource = Pick<ServerTxn, 'req' | 'method' | 'initial' | 'flow'>;

/** Removes the topmost Via value, keeping the rest in order. */
export function popVia(headers: SipHeaders): SipHeaders {
  const vias = headers.getAll('via').slice(1);
  const out = new SipHeaders();
  let placed = false;
  for (const [name, value] of headers.entries()) {
    if (canonicalName(name) === 'via') {
      if (!placed) for (const v of vias) out.append('Via', v);
      placed = true;
      continue;
    }
    out.append(name, value);
  }
  return out;
}

/**
 * The final response to send upstream when every branch failed (RFC 3261 §16.7 step 6): a definite "no"
 * (busy, decline) beats a client error, which beats "not here", a redirect, a timeout, a cancellation.
 */
export function bestFinal(finals: readonly SipResponse[]): SipResponse | undefined {
  const rank = (s: number): number => {
    if (s === 486 || s === 600) return 0;
    if (s >= 600) return 1;
    if (s >= 400 && s < 500 && ![408, 480, 487].includes(s)) return 2;
    if (s === 480) return 3;
    if (s >= 300 && s < 400) return 4;
    if (s === 408) return 5;
    if (s === 487) return 6;
    return 7;
  };
  return [...finals].sort((a, b) => rank(a.status) - rank(b.status))[0];
}

/** The headers a request gets and loses on its way through us: Via, Record-Route, Route, Max-Forwards. */
export class Forwarding {
  constructor(private readonly domains: () => ReadonlySet<string>) {}

  private recordRouteFor(flow: Flow): string {
    return `<sip:${hostOf(flow.local.address)}:${flow.local.port};transport=${flow.transport.toLowerCase()};lr;${RR_MARK}>`;
  }

  isOwnRoute(value: string): boolean {
    const uri = parseUri(parseNameAddr(value)?.uri ?? '');
    if (!uri) return false;
    return RR_MARK in uri.params || (uri.user === undefined && this.domains().has(uri.host));
  }

  /** The Route set after our own entries at the top (one, or two when we double-record-routed). */
  remainingRoutes(req: SipRequest): string[] {
    const routes = req.headers.getAll('route');
    while (routes.length && this.isOwnRoute(routes[0]!)) routes.shift();
    return routes;
  }

  /** A strict router before us put our URI in the Request-URI (RFC 3261 §16.4): restore the real target. */
  stripStrictRoute(req: SipRequest): void {
    const uri = parseUri(req.uri);
    if (!uri || !(RR_MARK in uri.params)) return;
    const routes = req.headers.getAll('route');
    const last = routes.pop();
    const target = last && parseNameAddr(last)?.uri;
    if (!target) return;
    req.uri = target;
    req.headers.delete('route');
    for (const r of routes) req.headers.append('Route', r);
  }

  /**
   * A copy of `req` for one branch (RFC 3261 §16.6): our Via on top, Record-Route for dialog-creating
   * requests, Max-Forwards decremented, our Route entries and our credentials removed.
   */
  copy(from: ForwardSource, branchId: string, uri: string, flow: Flow, routes: string[]): SipRequest {
    const req = from.req;
    const headers = new SipHeaders();
    headers.append('Via', viaFor(flow, branchId));
    if (from.initial || (from.method !== 'INVITE' && !tagOf(req.headers.get('to')) && from.method !== 'MESSAGE')) {
      // Double Record-Route when the two sides use different transports or addresses (RFC 5658).
      const towardsCallee = this.recordRouteFor(flow);
      const towardsCaller = this.recordRouteFor(from.flow);
      headers.append('Record-Route', towardsCallee);
      if (towardsCaller !== towardsCallee) headers.append('Record-Route', towardsCaller);
    }
    const maxForwards = Number(req.headers.get('max-forwards') ?? 70);
    for (const [name, value] of req.headers.entries()) {
      const key = name.toLowerCase();
      if (key === 'route' || key === 'max-forwards' || key === 'proxy-authorization') continue;
      headers.append(name, value);
    }
    for (const r of routes) headers.append('Route', r);
    headers.set('Max-Forwards', String(Math.max(0, (Number.isFinite(maxForwards) ? maxForwards : 70) - 1)));
    return { kind: 'request', method: req.method, uri, version: 'SIP/2.0', headers, body: req.body };
  }
}
