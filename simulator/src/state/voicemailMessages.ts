import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { PbxState } from './model.js';
import type { Emit } from './pbx.js';
import type { VoicemailMessage } from './telephonyModel.js';

/**
 * A caller left a message on a voicemail box (the simulator's virtual voicemail answered a call): a new unread
 * entry, and the box's `updated` event (its message list changed) naming the message. Undefined when the box
 * is gone meanwhile (deleted while the caller spoke): the message is lost, as on the PBX.
 */
export function addVoicemailMessage(
  state: PbxState,
  emit: Emit,
  voicemailboxId: number,
  message: Omit<VoicemailMessage, 'id' | 'read'>,
): VoicemailMessage | undefined {
  const box = state.voicemailboxes.find((b) => b.id === voicemailboxId);
  if (!box) return undefined;
  const entry: VoicemailMessage = { id: String(state.nextId.voicemailMessage++), ...message, read: false };
  box.messages.push(entry);
  emit({
    service: SIM_SERVICES.voicemail,
    event: 'updated',
    data: { id: box.id, messageId: entry.id, caller: entry.caller },
  });
  return entry;
}
