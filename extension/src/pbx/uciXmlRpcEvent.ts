/**
 * One event as the PBX pushes it to our callback server: an XML-RPC call `${service}.${event}` with the event's
 * data struct (and, from the simulator, a second struct {seq, time, service, event}). Decoding only: which
 * events are new is the live source's business.
 */
import { XmlRpcFault, type XmlRpcValue } from '@foxglove/xmlrpc';
import { UCI_SERVICE_PATTERN } from '../../../shared/schemas/uci.js';
import {
  parseXmlRpcEventMethod,
  UCI_XMLRPC_FAULTS,
  UciXmlRpcEventMetaSchema,
  type UciXmlRpcEventMeta,
} from '../../../shared/schemas/uciXmlRpc.js';

export interface PushedEvent {
  service: string;
  event: string;
  /** The data struct as JSON values. */
  data: Record<string, unknown>;
  /** The simulator's metadata; a real PBX sends none (and so no seq). */
  meta?: UciXmlRpcEventMeta;
}

/** Decodes one pushed call; a call that is not an event is refused with the XmlRpcFault to answer. */
export function decodePushedEvent(method: string, params: XmlRpcValue[]): PushedEvent {
  const name = parseXmlRpcEventMethod(method);
  if (!name || !UCI_SERVICE_PATTERN.test(name.service))
    throw new XmlRpcFault(`not an event method: ${method.slice(0, 200)}`, UCI_XMLRPC_FAULTS.unknownMethod);
  const data = params[0];
  if (!isStruct(data)) throw new XmlRpcFault(`${method}: param 1 must be a struct`, UCI_XMLRPC_FAULTS.invalidParams);
  const meta = params.length > 1 ? UciXmlRpcEventMetaSchema.safeParse(params[1]) : undefined;
  if (meta && (!meta.success || meta.data.service !== name.service || meta.data.event !== name.event)) {
    throw new XmlRpcFault(
      `${method}: param 2 must be {seq, time, service, event} of this event`,
      UCI_XMLRPC_FAULTS.invalidParams,
    );
  }
  return { service: name.service, event: name.event, data: plain(data) as Record<string, unknown>, meta: meta?.data };
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
