/**
 * @foxglove/xmlrpc, loaded on the first request to /xml-rpc rather than at start-up: with xmlbuilder2 it takes
 * ~35 ms to load, a sixth of the simulator's start, and most runs never speak XML-RPC.
 */
import type * as XmlRpcLib from '@foxglove/xmlrpc';

type Lib = typeof XmlRpcLib;
let loaded: Lib | undefined;
let loading: Promise<Lib> | undefined;

export function loadXmlRpc(): Promise<Lib> {
  loading ??= import('@foxglove/xmlrpc').then((m) => {
    // A CommonJS package: under Node's ESM loader its exports may sit on `default`.
    const withDefault = m as Lib & { default?: Lib };
    loaded = withDefault.default?.Deserializer ? withDefault.default : m;
    return loaded;
  });
  return loading;
}

/** The library once loaded. Sessions, and so deliveries, exist only after a request has loaded it. */
export function xmlRpc(): Lib {
  if (!loaded) throw new Error('@foxglove/xmlrpc is used before a request loaded it');
  return loaded;
}

const LIBRARY_DATE = /<dateTime\.iso8601>(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})\.\d{3}Z<\/dateTime\.iso8601>/g;

/**
 * Serialised XML-RPC with every dateTime.iso8601 in the spec's own form `19980717T14:08:55` (UTC): what
 * Python's xmlrpc.client (with builtin types) and Apache XML-RPC parse. The library writes
 * `1998-07-17T14:08:55.000Z`, which both refuse, and offers no option for it. Dates a client sends without
 * an offset are read as UTC (the library's rule), so both directions agree.
 */
export function specDates(xml: string): string {
  return xml.includes('<dateTime.iso8601>')
    ? xml.replace(LIBRARY_DATE, '<dateTime.iso8601>$1$2$3T$4</dateTime.iso8601>')
    : xml;
}
