/**
 * A strict structure check of a methodCall body before @foxglove/xmlrpc reads it. The library is lenient: it
 * takes the last of two <methodName>s, ignores junk after the root, parses <int>1.5</int> as 1.5 and keeps an
 * <i4> beyond 32 bits. sax (the library's own parser) in strict mode gives well-formedness; the rest is counted
 * here. A DOCTYPE is refused outright: XML-RPC has no use for one, and it is how entity tricks start.
 */
import sax from 'sax';
import { UCI_XMLRPC_FAULTS } from '../../../../shared/schemas/uciXmlRpc.js';
import { RpcError } from '../core/methods.js';

/** The deepest nesting of elements taken: a real methodCall is a handful deep; 64 leaves room and stops a stack walk. */
export const XML_MAX_DEPTH = 64;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

class Stop extends Error {}

/** Throws an RpcError (-32700 for structure and non-numbers, -32602 for an out-of-range number) when the body is not strict XML-RPC. */
export function checkStrictXmlRpc(body: string): void {
  const parser = sax.parser(true, { trim: false });
  let failure: RpcError | undefined;
  const fail = (code: number, message: string): never => {
    failure ??= new RpcError(code, message);
    throw new Stop();
  };
  const stack: string[] = [];
  let roots = 0;
  let methodNames = 0;
  let text = '';
  parser.ondoctype = () => fail(UCI_XMLRPC_FAULTS.malformed, 'DOCTYPE is not allowed in XML-RPC');
  parser.onerror = (err) =>
    fail(UCI_XMLRPC_FAULTS.malformed, `malformed XML-RPC request: ${err.message.split('\n')[0]}`);
  parser.onopentag = (tag) => {
    if (stack.length === 0 && ++roots > 1)
      fail(UCI_XMLRPC_FAULTS.malformed, 'malformed XML-RPC request: more than one root element');
    if (tag.name === 'methodName' && stack.length === 1 && ++methodNames > 1)
      fail(UCI_XMLRPC_FAULTS.malformed, 'malformed XML-RPC request: more than one <methodName>');
    stack.push(tag.name);
    if (stack.length > XML_MAX_DEPTH)
      fail(UCI_XMLRPC_FAULTS.malformed, `malformed XML-RPC request: elements nested deeper than ${XML_MAX_DEPTH}`);
    text = '';
  };
  parser.ontext = (t) => {
    if (stack.length === 0 && t.trim())
      fail(UCI_XMLRPC_FAULTS.malformed, 'malformed XML-RPC request: text outside the root element');
    text += t;
  };
  parser.oncdata = (t) => (text += t);
  parser.onclosetag = (name) => {
    stack.pop();
    if (name === 'int' || name === 'i4' || name === 'i8') checkInt(name, text.trim(), fail);
  };
  try {
    parser.write(body).close();
  } catch (err) {
    if (!(err instanceof Stop))
      throw new RpcError(
        UCI_XMLRPC_FAULTS.malformed,
        `malformed XML-RPC request: ${(err as Error).message.split('\n')[0]}`,
      );
  }
  if (failure) throw failure;
}

function checkInt(name: string, value: string, fail: (code: number, message: string) => never): void {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  if (!/^[+-]?\d+$/.test(value))
    fail(UCI_XMLRPC_FAULTS.malformed, `malformed XML-RPC request: <${name}> must hold a whole number, got '${shown}'`);
  const n = Number(value);
  if (name === 'i8' ? !Number.isSafeInteger(n) : n < INT32_MIN || n > INT32_MAX) {
    fail(
      UCI_XMLRPC_FAULTS.invalidParams,
      `<${name}> ${shown} is out of range (${name === 'i8' ? 'a 64-bit int beyond ±2^53 is not supported' : `${INT32_MIN} to ${INT32_MAX}`})`,
    );
  }
}
