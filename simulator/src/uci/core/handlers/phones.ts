// SCAFFOLD: replaced by the implementation of these methods; until then they answer notSimulated.
import { UCI_ERRORS } from '../../../../../shared/schemas/uci.js';
import { RpcError } from '../methods.js';
import type { HandlerTable } from './types.js';

const todo = (m: string) => () => {
  throw new RpcError(UCI_ERRORS.notSimulated, `${m}: not implemented yet`);
};

export const PHONE_HANDLERS: HandlerTable<
  | 'getPhoneIds'
  | 'getPrimaryPhoneId'
  | 'setPrimaryPhoneId'
  | 'getAvailableDisplayNumbers'
  | 'getDisplayNumberId'
  | 'setDisplayNumberId'
  | 'getCallWaitingIndication'
  | 'setCallWaitingIndication'
> = {
  getPhoneIds: todo('getPhoneIds'),
  getPrimaryPhoneId: todo('getPrimaryPhoneId'),
  setPrimaryPhoneId: todo('setPrimaryPhoneId'),
  getAvailableDisplayNumbers: todo('getAvailableDisplayNumbers'),
  getDisplayNumberId: todo('getDisplayNumberId'),
  setDisplayNumberId: todo('setDisplayNumberId'),
  getCallWaitingIndication: todo('getCallWaitingIndication'),
  setCallWaitingIndication: todo('setCallWaitingIndication'),
};
