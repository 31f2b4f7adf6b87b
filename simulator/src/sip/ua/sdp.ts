import type { SipMessage } from '../message/message.js';

/**
 * The smallest SDP a virtual phone needs: an answer to the caller's offer that accepts the first media
 * stream with the offer's first payload type (sendrecv, c= 127.0.0.1), or an offer of PCMU when the INVITE
 * came without one. No media is ever sent.
 */
let version = Math.floor(Date.now() / 1000);

export const VIRTUAL_MEDIA_PORT = 40_000;

export function sdpAnswer(offer: string, port = VIRTUAL_MEDIA_PORT): string {
  const lines = offer.split(/\r?\n/).map((l) => l.trim());
  const session = ++version;
  const out = [
    'v=0',
    `o=starface-sim ${session} ${session} IN IP4 127.0.0.1`,
    's=STARFACE simulator',
    'c=IN IP4 127.0.0.1',
    't=0 0',
  ];
  const media = lines.filter((l) => l.startsWith('m='));
  if (media.length === 0) {
    out.push(`m=audio ${port} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv');
    return out.join('\r\n') + '\r\n';
  }
  let answered = false;
  for (const m of media) {
    const match = /^m=(\S+)\s+\d+(?:\/\d+)?\s+(\S+)\s*(.*)$/.exec(m);
    const kind = match?.[1] ?? 'audio';
    const proto = match?.[2] ?? 'RTP/AVP';
    const pt = (match?.[3] ?? '').split(/\s+/).filter(Boolean)[0] ?? '0';
    if (!answered && kind === 'audio') {
      answered = true;
      out.push(`m=${kind} ${port} ${proto} ${pt}`);
      const rtpmap = lines.find((l) => l.startsWith(`a=rtpmap:${pt} `));
      if (rtpmap) out.push(rtpmap);
      out.push('a=sendrecv');
    } else {
      // Every offered stream gets a line in the answer; port 0 declines it (RFC 3264 §6).
      out.push(`m=${kind} 0 ${proto} ${pt}`);
    }
  }
  return out.join('\r\n') + '\r\n';
}

/** The SDP body of a message, or '' when it carries none. */
export function sdpOf(msg: SipMessage): string {
  return /application\/sdp/i.test(msg.headers.get('content-type') ?? '') ? msg.body.toString('utf8') : '';
}
