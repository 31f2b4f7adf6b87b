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
