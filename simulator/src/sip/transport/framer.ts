/**
 * Cuts a byte stream (TCP) into SIP messages by Content-Length (RFC 3261 §18.3). CRLF keep-alives between
 * messages are skipped; a double CRLF is a ping that wants a single CRLF back (RFC 5626 §4.4.1).
 */
export const MAX_STREAM_MESSAGE = 64 * 1024;

export type Frame =
  { kind: 'message'; data: Buffer } | { kind: 'ping' } | { kind: 'error'; reason: string; data: Buffer };

export class StreamFramer {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly max = MAX_STREAM_MESSAGE) {}

  /** Frames found so far. After an `error` frame the stream cannot be resynchronised: close it. */
  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    for (;;) {
      if (this.buf.length >= 4 && this.buf[0] === 0x0d && this.buf.subarray(0, 4).toString('latin1') === '\r\n\r\n') {
        out.push({ kind: 'ping' });
        this.buf = this.buf.subarray(4);
        continue;
      }
      let skip = 0;
      while (skip < this.buf.length && (this.buf[skip] === 0x0d || this.buf[skip] === 0x0a)) skip++;
      // A lone CRLF may be the start of a ping: wait for more before deciding.
      if (skip > 0 && skip === this.buf.length && skip < 4) return out;
      if (skip > 0) {
        if (skip >= 4) out.push({ kind: 'ping' });
        this.buf = this.buf.subarray(skip);
      }
      if (this.buf.length === 0) return out;
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buf.length > this.max) return this.fail(out, `header section over ${this.max} bytes`);
        return out;
      }
      const head = this.buf.subarray(0, end).toString('latin1');
      const lengths = [...head.matchAll(/\r\n(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/gi)].map((m) => m[1]!.trim());
      if (lengths.length === 0) return this.fail(out, 'Content-Length is required on a stream transport');
      if (lengths.length > 1 || !/^\d{1,9}$/.test(lengths[0]!)) return this.fail(out, 'malformed Content-Length');
      const total = end + 4 + Number(lengths[0]);
      if (total > this.max) return this.fail(out, `message of ${total} bytes is over ${this.max}`);
      if (this.buf.length < total) return out;
      out.push({ kind: 'message', data: Buffer.from(this.buf.subarray(0, total)) });
      this.buf = this.buf.subarray(total);
    }
  }

  private fail(out: Frame[], reason: string): Frame[] {
    out.push({ kind: 'error', reason, data: Buffer.from(this.buf.subarray(0, Math.min(this.buf.length, this.max))) });
    this.buf = Buffer.alloc(0);
    return out;
  }
}
