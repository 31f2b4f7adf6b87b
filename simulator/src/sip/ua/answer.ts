import type { SipResponse } from '../message/message.js';

/** The methods the simulator's own user agents (click-to-dial legs, virtual phones) take within a dialog. */
export const UA_ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE';

/** Makes `res` a 2xx of one of our user agents: its Contact and Allow, and the SDP it answers or offers with. */
export function withSdp(res: SipResponse, contact: string, sdp: string): void {
  res.headers.append('Contact', contact);
  res.headers.append('Allow', UA_ALLOW);
  res.headers.append('Content-Type', 'application/sdp');
  res.body = Buffer.from(sdp, 'utf8');
}
