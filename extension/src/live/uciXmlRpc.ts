/**
 * The UCI over XML-RPC, as one entry point: the extension bundles it apart (dist/lazy/uciXmlRpc.js) and loads it
 * when a session first follows a PBX over XML-RPC, because the XML library behind it would double what
 * activation has to parse.
 */
export { UciXmlRpcSource } from './uciXmlRpcSource.js';
export { checkLiveEvents } from '../pbx/liveEventsCheck.js';
