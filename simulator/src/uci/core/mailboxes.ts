import type { UciMailbox } from '../../../../shared/schemas/uciValues.js';
import type { PbxState } from '../../state/model.js';
import type { StoredVoicemailbox } from '../../state/telephonyModel.js';
import { belongsTo } from '../../state/voicemail.js';

/** The voicemail boxes a user belongs to, directly or through a group: all a UCI client of theirs may see. */
export function mailboxesOf(state: PbxState, userId: number): StoredVoicemailbox[] {
  return state.voicemailboxes.filter((b) => belongsTo(state, b, userId));
}

export function toUciMailbox(box: StoredVoicemailbox): UciMailbox {
  return { id: String(box.id), name: box.name, number: box.number };
}
