import { randomBytes } from 'node:crypto';
import type { VirtualPhone } from '../../../../shared/schemas/calls.js';
import type { StoredUser } from '../../state/model.js';
import { parseCSeq, tagOf, type SipRequest, type SipResponse } from '../message/message.js';
import { newRequest, viaFor } from '../message/requests.js';
import { parseNameAddr, parseUri, type SipUri } from '../message/uri.js';
import type { Registrar } from '../registrar.js';
import type { Flow } from '../transport/flow.js';
import type { Call } from '../calls.js';
import type { Branch, ServerTxn } from './transactions.js';

/** How long an ended dialog is remembered: a BYE crossing ours still finds its way. */
const DIALOG_LINGER_MS = 5000;

/** A dialog through us (record-routed), or one the simulator is the far end of (a virtual phone). */
export interface Dialog {
  callId: string;
  callerTag: string;
  callerFlow: Flow;
  /** To tag → the flow of the callee branch that created it (a forked INVITE may create several). */
  callees: Map<string, Flow>;
  call?: Call;
  /** `onEnd`: what the simulator's far end does when the dialog ends (a voicemail keeps its message). */
  virtual?: { phone: VirtualPhone; localTag: string; onEnd?: () => void };
  timer?: ReturnType<typeof setTimeout>;
  /** The caller as the far end of a request we originate (UCI hangupCall): from the INVITE. */
  caller: DialogSide;
  /** The callee whose 2xx won, likewise; for a virtual phone its party value only (we are that side). */
  callee?: DialogSide;
}

/**
 * What the proxy needs to send a BYE of its own to one side of a dialog (RFC 3261 §12.2.1.1): that side's
 * tagged From/To value, its remote target (Contact), the route set towards it, its flow, and the highest
 * CSeq that side has sent (our BYE towards the *other* side must exceed it, as if that side sent it).
 */
export interface DialogSide {
  party: string;
  target: string;
  routes: string[];
  flow: Flow;
  cseq: number;
}

export interface DialogsHost {
  registrar: Registrar;
  users(): readonly StoredUser[];
  isOwnRoute(value: string): boolean;
}

function sameUri(a: SipUri, b: SipUri): boolean {
  return (a.user ?? '') === (b.user ?? '') && a.host === b.host && (a.port ?? 0) === (b.port ?? 0);
}

/** The caller's side of a new dialog, from its INVITE. */
function callerSide(txn: ServerTxn): DialogSide {
  const req = txn.req;
  const from = req.headers.get('from') ?? '';
  const contact = parseNameAddr(req.headers.getAll('contact')[0] ?? '')?.uri ?? parseNameAddr(from)?.uri ?? req.uri;
  return {
    party: from,
    target: contact,
    routes: req.headers.getAll('record-route'),
    flow: txn.flow,
    cseq: parseCSeq(req.headers.get('cseq'))?.seq ?? 1,
  };
}

/** A BYE of our own to `to`, as if `from` sent it (RFC 3261 §15.1.1), with a Reason (RFC 3326). */
export function byeRequest(callId: string, from: DialogSide, to: DialogSide, reason: string): SipRequest {
  return newRequest({
    method: 'BYE',
    uri: to.target,
    via: viaFor(to.flow, `z9hG4bK${randomBytes(10).toString('hex')}`),
    routes: to.routes,
    from: from.party,
    to: to.party,
    callId,
    cseq: ++from.cseq,
    extra: [['Reason', reason]],
  });
}

/** The dialogs by Call-ID, and where their in-dialog requests go. */
export class Dialogs {
  private readonly dialogs = new Map<string, Dialog>();

  constructor(private readonly host: DialogsHost) {}

  get(callId: string): Dialog | undefined {
    return this.dialogs.get(callId);
  }

  all(): IterableIterator<Dialog> {
    return this.dialogs.values();
  }

  /** The dialog a dialog-creating INVITE makes, once a callee answered it with a tag. */
  forTxn(txn: ServerTxn): Dialog {
    const callId = txn.req.headers.get('call-id') ?? '';
    let dialog = this.dialogs.get(callId);
    if (!dialog) {
      dialog = {
        callId,
        callerTag: tagOf(txn.req.headers.get('from')) ?? '',
        callerFlow: txn.flow,
        callees: new Map(),
        call: txn.call,
        caller: callerSide(txn),
      };
      this.dialogs.set(callId, dialog);
    }
    return dialog;
  }

  /** The dialog of a virtual phone that answered `txn`: we are its callee side. */
  answeredByVirtual(txn: ServerTxn, call: Call, phone: VirtualPhone, onEnd?: () => void): void {
    const callId = txn.req.headers.get('call-id') ?? '';
    this.dialogs.set(callId, {
      callId,
      callerTag: tagOf(txn.req.headers.get('from')) ?? '',
      callerFlow: txn.flow,
      callees: new Map(),
      call,
      virtual: { phone, localTag: txn.toTag, onEnd },
      caller: callerSide(txn),
      callee: {
        party: `${txn.req.headers.get('to') ?? ''};tag=${txn.toTag}`,
        target: '',
        routes: [],
        flow: txn.flow,
        cseq: 0,
      },
    });
  }

  /** The answering callee's side, from its 2xx: the Record-Route entries above ours, nearest first. */
  calleeSide(branch: Branch, res: SipResponse): DialogSide {
    const rr = res.headers.getAll('record-route');
    const own = rr.findIndex((r) => this.host.isOwnRoute(r));
    const above = (own < 0 ? rr : rr.slice(0, own)).reverse();
    const contact = parseNameAddr(res.headers.getAll('contact')[0] ?? '')?.uri ?? branch.req.uri;
    return {
      party: res.headers.get('to') ?? '',
      target: contact,
      routes: above.length ? above : branch.req.headers.getAll('route'),
      flow: branch.flow,
      cseq: 0,
    };
  }

  /** For a 2xx that came after the caller was given up on: its ACK and a BYE (the caller has no dialog). */
  lateAnswerTeardown(b: Branch, res: SipResponse): SipRequest[] {
    const contact = parseNameAddr(res.headers.getAll('contact')[0] ?? '')?.uri ?? b.req.uri;
    const routes = res.headers.getAll('record-route').filter((r) => !this.host.isOwnRoute(r));
    const seq = parseCSeq(b.req.headers.get('cseq'))?.seq ?? 1;
    return (
      [
        ['ACK', seq],
        ['BYE', seq + 1],
      ] as const
    ).map(([method, cseq]) =>
      newRequest({
        method,
        uri: contact,
        via: viaFor(b.flow, `z9hG4bK${randomBytes(10).toString('hex')}`),
        routes,
        from: b.req.headers.get('from') ?? '',
        to: res.headers.get('to') ?? '',
        callId: b.req.headers.get('call-id') ?? '',
        cseq,
      }),
    );
  }

  /** Remembers the highest CSeq each side of the dialog has sent. */
  noteCSeq(dialog: Dialog, req: SipRequest): void {
    const seq = parseCSeq(req.headers.get('cseq'))?.seq;
    if (seq === undefined) return;
    const side = tagOf(req.headers.get('from')) === dialog.callerTag ? dialog.caller : dialog.callee;
    if (side) side.cseq = Math.max(side.cseq, seq);
  }

  /** Where an in-dialog request goes: the other side of the dialog, else the registered contact it names. */
  target(req: SipRequest, dialog: Dialog | undefined): Flow | undefined {
    if (dialog) {
      if (tagOf(req.headers.get('from')) === dialog.callerTag) {
        // From the caller: to the callee branch whose tag is in To.
        const f = dialog.callees.get(tagOf(req.headers.get('to')) ?? '') ?? [...dialog.callees.values()][0];
        if (f?.open) return f;
      } else if (dialog.callerFlow.open) {
        return dialog.callerFlow;
      }
    }
    const uri = parseUri(req.uri);
    if (!uri) return undefined;
    for (const user of this.host.users()) {
      for (const b of this.host.registrar.contactsOf(user.id)) {
        const c = parseUri(b.contact);
        if (c && sameUri(c, uri) && b.flow.open) return b.flow;
      }
    }
    return undefined;
  }

  /** A BYE ended the dialog: forget it a little later. */
  ended(callId: string): void {
    const dialog = this.dialogs.get(callId);
    if (!dialog || dialog.timer) return;
    dialog.virtual?.onEnd?.();
    dialog.timer = setTimeout(() => this.dialogs.delete(callId), DIALOG_LINGER_MS);
    dialog.timer.unref();
  }

  clear(): void {
    for (const d of this.dialogs.values()) if (d.timer) clearTimeout(d.timer);
    this.dialogs.clear();
  }
}
