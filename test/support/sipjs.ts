/**
 * sip.js 0.21.2 user agents in Node for the simulator tests: a static session description handler (Node has no
 * WebRTC), a registered phone over the simulator's WebSocket, an outgoing call with its outcome, and `until`.
 */
import { DEMO_PBX_NAME } from '../../simulator/src/scenarios/builtin.js';
import { until as pollUntil } from './until.js';

export type SipModule = typeof import('sip.js');

/** sip.js, with the `ws` WebSocket as the global it expects. */
export async function loadSipJs(): Promise<SipModule> {
  (globalThis as any).WebSocket = (await import('ws')).WebSocket;
  return import('sip.js');
}

export const OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 50000 RTP/AVP 8 0 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=sendrecv',
  '',
].join('\r\n');

/** Node has no WebRTC: a session description handler that offers and answers a fixed SDP. */
export class StaticSdh {
  remote: string | undefined;
  close(): void {}
  getDescription(): Promise<{ body: string; contentType: string }> {
    return Promise.resolve({ body: OFFER, contentType: 'application/sdp' });
  }
  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }
  setDescription(sdp: string): Promise<void> {
    this.remote = sdp;
    return Promise.resolve();
  }
  rollbackDescription(): Promise<void> {
    return Promise.resolve();
  }
  sendDtmf(): boolean {
    return false;
  }
}

export interface Phone {
  ua: any;
  registerer: any;
  invitations: any[];
  /** What to do with an incoming INVITE. */
  onInvite: (invitation: any) => void;
}

/** The shared `until`, polling every 10 ms (SIP exchanges are quick) with the usual 10 s ceiling. */
export const until = (what: string, check: () => boolean, ms = 10_000): Promise<boolean> =>
  pollUntil(what, check, ms, 10);

/** A started user agent of `user` at `wsUrl`; registered unless `register` is false. Accepts calls by default. */
export async function startPhone(
  SIP: SipModule,
  wsUrl: string,
  user: { login: string; password: string },
  opts: { register?: boolean; password?: string } = {},
): Promise<Phone> {
  const p: Phone = { ua: undefined, registerer: undefined, invitations: [], onInvite: (inv) => void inv.accept() };
  p.ua = new SIP.UserAgent({
    uri: SIP.UserAgent.makeURI(`sip:${user.login}@${DEMO_PBX_NAME}`)!,
    transportOptions: { server: wsUrl },
    authorizationUsername: user.login,
    authorizationPassword: opts.password ?? user.password,
    logBuiltinEnabled: false,
    logLevel: 'error',
    sessionDescriptionHandlerFactory: () => new StaticSdh() as any,
    delegate: {
      onInvite: (invitation: any) => {
        p.invitations.push(invitation);
        p.onInvite(invitation);
      },
    },
  });
  await p.ua.start();
  if (opts.register !== false) {
    p.registerer = new SIP.Registerer(p.ua);
    await p.registerer.register();
    await until(`${user.login} registered`, () => p.registerer.state === SIP.RegistererState.Registered);
  }
  return p;
}

/** Stops every user agent, ignoring the ones already stopped. */
export async function stopPhones(phones: Phone[]): Promise<void> {
  for (const p of phones) {
    try {
      await p.ua.stop();
    } catch {
      // already stopped
    }
  }
}

export interface Outcome {
  inviter: any;
  accepted: Promise<any>;
  rejected: Promise<number>;
  progress: number[];
}

/** `from` calls `target` (a login or extension at the demo PBX). */
export function call(SIP: SipModule, from: Phone, target: string): Outcome {
  const inviter = new SIP.Inviter(from.ua, SIP.UserAgent.makeURI(`sip:${target}@${DEMO_PBX_NAME}`)!);
  const progress: number[] = [];
  let accept!: (r: any) => void;
  let reject!: (s: number) => void;
  const accepted = new Promise<any>((r) => (accept = r));
  const rejected = new Promise<number>((r) => (reject = r));
  void inviter.invite({
    requestDelegate: {
      onAccept: (r: any) => accept(r),
      onReject: (r: any) => reject(r.message.statusCode),
      onProgress: (r: any) => progress.push(r.message.statusCode),
    },
  });
  return { inviter, accepted, rejected, progress };
}
