import type { VirtualPhone } from '../../../../shared/schemas/calls.js';
import type { StoredUser } from '../../state/model.js';
import type { StoredVoicemailbox } from '../../state/telephonyModel.js';
import type { SipMessage } from '../message/message.js';
import { hostOf } from '../message/requests.js';
import type { Flow } from '../transport/flow.js';
import { withSdp } from '../ua/answer.js';
import { sdpAnswer, sdpOf } from '../ua/sdp.js';
import type { Call, CallTracker } from '../calls.js';
import { byeRequest, type Dialogs } from './dialogs.js';
import type { ServerTxn, Transactions } from './transactions.js';

export interface VoicemailHost {
  calls: CallTracker;
  dialogs: Dialogs;
  transactions: Transactions;
  send(message: SipMessage, flow: Flow): void;
  /** Keeps a message on the box (a state commit with its event). */
  record(voicemailboxId: number, message: { caller: string; receivedAt: string; durationSeconds: number }): void;
  now(): number;
}

/**
 * The PBX's voicemail as the far end of a call: it answers at once (200 OK with an SDP answer, like the virtual
 * phones, no media), and when the caller hangs up — or the box's maximum message length is reached, when the
 * PBX hangs up itself with a BYE — the message is kept as a new unread entry of the box. No message is left
 * when the box records none (`noRecord`: it only plays its announcement) or when one of the box's own users
 * calls it (the owner listening to their messages, as dialling one's own box does on a STARFACE).
 */
export class VoicemailAgent {
  constructor(private readonly host: VoicemailHost) {}

  answer(txn: ServerTxn, call: Call, caller: StoredUser, box: StoredVoicemailbox): void {
    const { calls, dialogs, transactions } = this.host;
    const callId = txn.req.headers.get('call-id') ?? '';
    const phone: VirtualPhone = { extension: box.number, name: box.name, behaviour: 'answer', answerAfterMs: 0 };
    txn.virtual = phone;
    const answeredAt = this.host.now();
    const records = !box.noRecord && !box.users.some((u) => u.userId === caller.id);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onEnd = () => {
      if (timer) clearTimeout(timer);
      if (!records) return;
      this.host.record(box.id, {
        caller: call.caller.number,
        receivedAt: new Date(answeredAt).toISOString(),
        durationSeconds: Math.max(0, Math.round((this.host.now() - answeredAt) / 1000)),
      });
    };
    dialogs.answeredByVirtual(txn, call, phone, onEnd);
    txn.answered = true;
    const f = txn.flow;
    const contact = `<sip:${box.number}@${hostOf(f.local.address)}:${f.local.port};transport=${f.transport.toLowerCase()}>`;
    transactions.reply(txn, 200, undefined, (res) => withSdp(res, contact, sdpAnswer(sdpOf(txn.req))));
    calls.connected(call);
    if (box.maximumDurationSeconds > 0) {
      timer = setTimeout(() => this.full(callId), box.maximumDurationSeconds * 1000);
      timer.unref();
    }
  }

  /** The maximum message length is reached: the PBX ends the call with a BYE to the caller. */
  private full(callId: string): void {
    const d = this.host.dialogs.get(callId);
    if (!d || d.timer || !d.callee) return;
    const bye = byeRequest(callId, d.callee, d.caller, 'SIP;cause=200;text="maximum message length reached"');
    if (d.caller.flow.open) this.host.send(bye, d.caller.flow);
    if (d.call) this.host.calls.hangup(d.call);
    this.host.dialogs.ended(callId);
  }
}
