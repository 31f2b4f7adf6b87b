// SCAFFOLD: replaced by the implementation of these methods; until then they answer notSimulated.
import { UCI_ERRORS } from '../../../../../shared/schemas/uci.js';
import { RpcError } from '../methods.js';
import type { HandlerTable } from './types.js';

const todo = (m: string) => () => {
  throw new RpcError(UCI_ERRORS.notSimulated, `${m}: not implemented yet`);
};

export const REDIRECT_HANDLERS: HandlerTable<'getRedirectSettings' | 'setRedirectSetting' | 'setRedirectSettings'> = {
  getRedirectSettings: todo('getRedirectSettings'),
  setRedirectSetting: todo('setRedirectSetting'),
  setRedirectSettings: todo('setRedirectSettings'),
};
