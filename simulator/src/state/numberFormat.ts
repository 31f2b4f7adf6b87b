import type { PbxState } from './model.js';
import type { StoredPhoneNumber } from './telephonyModel.js';

/** The number as dialled from outside (`+49305550111`) for an external number, else its digits. */
export function fullNumber(state: PbxState, n: StoredPhoneNumber): string {
  if (n.numberBlockId === null) return n.number;
  const block = state.numberBlocks.find((b) => b.id === n.numberBlockId);
  return block ? `+${block.countryCode}${block.localAreaCode}${block.baseNumber}${n.number}` : n.number;
}
