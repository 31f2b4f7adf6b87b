/**
 * One event as the PBX pushes it to our callback server: an XML-RPC call `${service}.${event}` whose first param
 * is the event's data struct. A real PBX sends only that; the simulator adds its metadata {seq, time, service,
 * event} in HTTP headers (uciXmlRpc.ts UCI_XMLRPC_EVENT_HEADERS). Decoding only: which events are new, and how
 * events without metadata are numbered, is the live source's business.
 */
import { XmlRpcFault, type XmlRpcValue } from '@foxglove/xmlrpc';
import { CALL_EVENT_SERVICE, CALL_STATE_EVENT } from '../../../shared/schemas/calls.js';
import { UCI_SERVICE_PATTERN } from '../../../shared/schemas/uci.js';
import { busService } from '../../../shared/schemas/uciNames.js';
import {
  parseXmlRpcEventMethod,
  UCI_XMLRPC_EVENT_HEADERS,
  UCI_XMLRPC_FAULTS,
  xmlRpcEventMeta,
  type UciXmlRpcEventMeta,
} from '../../../shared/schemas/uciXmlRpc.js';

export interface PushedEvent {
  /** The service the simulator publishes on: an alias the PBX called back under (ucp.v30.events.call) is mapped. */
  service: string;
  event: string;
  /** The data struct as JSON values. */
  data: Record<string, unknown>;
  /** The simulator's metadata from the headers; a real PBX sends none (and so no seq). */
  meta?: UciXmlRpcEventMeta;
}

/**
 * Decodes one pushed call; a call that is not an event is refused with the XmlRpcFault to answer. Only the first
 * param is read, as every public client does (IAH, TMA, SPICE): a real PBX sends exactly one struct, and a
 * further param would carry nothing we know, so it does not cost the event.
 */
export function decodePushedEvent(
  method: string,
  params: XmlRpcValue[],
  headers: Record<string, string | string[] | undefined> = {},
): PushedEvent {
  const name = parseXmlRpcEventMethod(method);
  if (!name || !UCI_SERVICE_PATTERN.test(name.service))
    throw new XmlRpcFault(`not an event method: ${method.slice(0, 200)}`, UCI_XMLRPC_FAULTS.unknownMethod);
  const data = params[0];
  if (!isStruct(data)) throw new XmlRpcFault(`${method}: param 1 must be a struct`, UCI_XMLRPC_FAULTS.invalidParams);
  const service = busService(name.service);
  const meta = simulatorMeta(method, headers, service, name.event);
  return { service, event: name.event, data: eventData(service, name.event, data), meta };
}

/**
 * The simulator's headers, checked against the method: absent (a real PBX) is fine; present but broken or naming
 * another event is refused, since its seq would then mislead the order and gap checks.
 */
function simulatorMeta(
  method: string,
  headers: Record<string, string | string[] | undefined>,
  service: string,
  event: string,
): UciXmlRpcEventMeta | undefined {
  const names = Object.values(UCI_XMLRPC_EVENT_HEADERS);
  if (!names.some((h) => headers[h] !== undefined)) return undefined;
  const meta = xmlRpcEventMeta(headers);
  if (!meta || meta.service !== service || meta.event !== event) {
    throw new XmlRpcFault(
      `${method}: the headers ${names.join(', ')} must name this event with a positive seq`,
      UCI_XMLRPC_FAULTS.invalidParams,
    );
  }
  return meta;
}

function eventData(service: string, event: string, data: { [key: string]: XmlRpcValue }): Record<string, unknown> {
  const out = plain(data) as Record<string, unknown>;
  // A call state's timestamp comes as a string of milliseconds (the simulator, and a millisecond value does not
  // fit XML-RPC's 32-bit <int>); the WebSocket's call state and its readers (the call ladder) have a number.
  if (service === CALL_EVENT_SERVICE && event === CALL_STATE_EVENT && typeof out.timestamp === 'string') {
    const ms = /^\d{1,16}$/.test(out.timestamp) ? Number(out.timestamp) : NaN;
    if (Number.isSafeInteger(ms)) out.timestamp = ms;
  }
  return out;
}

function isStruct(v: XmlRpcValue): v is { [key: string]: XmlRpcValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

/** XML-RPC values as JSON values: dateTime → ISO string, base64 → base64 string, nil → null. */
function plain(v: XmlRpcValue): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
