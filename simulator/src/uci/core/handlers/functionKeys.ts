// SCAFFOLD: replaced by the implementation of these methods; until then they answer notSimulated.
import { UCI_ERRORS } from '../../../../../shared/schemas/uci.js';
import { RpcError } from '../methods.js';
import type { HandlerTable } from './types.js';

const todo = (m: string) => () => {
  throw new RpcError(UCI_ERRORS.notSimulated, `${m}: not implemented yet`);
};

export const FUNCTION_KEY_HANDLERS: HandlerTable<
  | 'getFunctionKeys'
  | 'getCallInfoForKey'
  | 'getContactInfoForKey'
  | 'getImageForKey'
  | 'getRedirectSettingsForKey'
  | 'pressKey'
> = {
  getFunctionKeys: todo('getFunctionKeys'),
  getCallInfoForKey: todo('getCallInfoForKey'),
  getContactInfoForKey: todo('getContactInfoForKey'),
  getImageForKey: todo('getImageForKey'),
  getRedirectSettingsForKey: todo('getRedirectSettingsForKey'),
  pressKey: todo('pressKey'),
};
