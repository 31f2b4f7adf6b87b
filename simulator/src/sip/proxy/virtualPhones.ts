import type { VirtualPhone } from '../../../../shared/schemas/calls.js';
import type { StoredUser } from '../../state/model.js';
import { hostOf } from '../message/requests.js';
import { withSdp } from '../ua/answer.js';
import { sdpAnswer, sdpOf } from '../ua/sdp.js';
import { ringVirtualPhone } from '../ua/virtualPhone.js';
import type { CallTracker } from '../calls.js';
import type { Dialog, Dialogs } from './dialogs.js';
import type { ServerTxn, Transactions } from './transactions.js';

export interface VirtualPhonesHost {
  calls: CallTracker;
  dialogs: Dialogs;
  transactions: Transactions;
  /** Gives up on the transaction (408) when it rang too long. */
  armRingTimeout(txn: ServerTxn): void;
}

/** The proxy as the user agent of a virtual phone: the far end of calls to it, answered without media. */
export class VirtualPhoneAgent {
  constructor(private readonly host: VirtualPhonesHost) {}

  invite(txn: ServerTxn, caller: StoredUser, phone: VirtualPhone): void {
    const { calls, dialogs, transactions } = this.host;
    const callId = txn.req.headers.get('call-id') ?? '';
    txn.virtual = phone;
    const call = calls.start(callId, caller, { phone });
    txn.call = call;
    const contact = contactOf(txn, phone);
    const after = (ms: number, fn: () => void) =>
      transactions.schedule(txn, ms, () => {
        if (!txn.done) fn();
      });
    ringVirtualPhone(phone, after, {
      busy: () => {
        this.host.transactions.reply(txn, 486);
        calls.hangup(call);
      },
      ringing: () => {
        this.host.transactions.reply(txn, 180, undefined, (res) => res.headers.append('Contact', contact));
        calls.ringing(call);
        this.host.armRingTimeout(txn);
      },
      declined: () => {
        this.host.transactions.reply(txn, 603);
        calls.hangup(call);
      },
      answered: () => {
        dialogs.answeredByVirtual(txn, call, phone);
        txn.answered = true;
        this.host.transactions.reply(txn, 200, undefined, (res) => withSdp(res, contact, sdpAnswer(sdpOf(txn.req))));
        calls.connected(call);
      },
    });
  }

  /** In-dialog requests to a virtual phone: BYE ends the call, re-INVITE and UPDATE get an SDP answer, others 200. */
  inDialog(txn: ServerTxn, dialog: Dialog): void {
    const contact = contactOf(txn, dialog.virtual!.phone);
    switch (txn.method) {
      case 'BYE':
        this.host.transactions.reply(txn, 200);
        if (dialog.call) this.host.calls.hangup(dialog.call);
        this.host.dialogs.ended(dialog.callId);
        return;
      case 'INVITE':
      case 'UPDATE':
        this.host.transactions.reply(txn, 200, undefined, (res) => withSdp(res, contact, sdpAnswer(sdpOf(txn.req))));
        return;
      default:
        this.host.transactions.reply(txn, 200);
    }
  }
}

function contactOf(txn: ServerTxn, phone: VirtualPhone): string {
  const f = txn.flow;
  return `<sip:${phone.extension}@${hostOf(f.local.address)}:${f.local.port};transport=${f.transport.toLowerCase()}>`;
}
