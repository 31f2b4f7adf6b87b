import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { PbxState } from './model.js';
import type { Emit } from './pbx.js';
import type { StoredVoicemailbox, VoicemailMessage } from './telephonyModel.js';

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

/** A message by its id (unique across boxes), with its box; undefined when no box holds it. */
export function findVoicemailMessage(
  state: PbxState,
  messageId: string,
): { box: StoredVoicemailbox; message: VoicemailMessage } | undefined {
  for (const box of state.voicemailboxes) {
    const message = box.messages.find((m) => m.id === messageId);
    if (message) return { box, message };
  }
  return undefined;
}

/**
 * Deletes messages (ids the caller has checked: unknown ones are skipped). Each box that lost some publishes
 * its `updated` event naming them; the box is both `id` (as in the new-message event) and `voicemailboxId` (as
 * in the box's other events), so a subscriber of either kind finds it.
 */
export function deleteVoicemailMessages(state: PbxState, emit: Emit, messageIds: readonly string[]): void {
  const doomed = new Set(messageIds);
  for (const box of state.voicemailboxes) {
    const deleted = box.messages.filter((m) => doomed.has(m.id)).map((m) => m.id);
    if (!deleted.length) continue;
    box.messages = box.messages.filter((m) => !doomed.has(m.id));
    emit({
      service: SIM_SERVICES.voicemail,
      event: 'updated',
      data: { id: box.id, voicemailboxId: box.id, number: box.number, deletedMessageIds: deleted },
    });
  }
}
