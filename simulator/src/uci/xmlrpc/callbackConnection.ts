/**
 * One session's connection to its callback server: HTTP/1.1 POSTs, one at a time, over a socket kept open
 * between calls. Written on net/tls directly because node:http's ClientRequest costs ~0.3 ms of CPU per call:
 * with 50 sessions at 200 events/s that alone put p99 past 250 ms (the bench `uci-xmlrpc` measured it), while
 * writing prepared bytes to a kept socket stays in single-digit milliseconds.
 *
 * What it speaks: a request is a prefix of the session (request line, Host, constant headers) and a tail of the
 * event (its headers and body), both prepared once. Answers with Content-Length, chunked or read to the close
 * (HTTP/1.0, as Python's SimpleXMLRPCServer answers); `Connection: close` or HTTP/1.0 without keep-alive ends
 * the socket after the answer and the next call opens a new one. Interim 1xx answers are skipped.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface CallbackAnswer {
  status: number;
  body: Buffer;
}

const CRLF2 = Buffer.from('\r\n\r\n');

export class CallbackConnection {
  private socket: Socket | undefined;
  private reusable = false;

  constructor(
    private readonly target: { type: string; host: string; port: number },
    private readonly maxBody: number,
  ) {}

  /** Sends one request and resolves with the answer; rejects on a transport error, a timeout or a bad answer. */
  request(prefix: Buffer, tail: Buffer, timeoutMs: number): Promise<CallbackAnswer> {
    const reused = this.socket !== undefined && this.reusable;
    return this.exchange(prefix, tail, timeoutMs).catch((err: Error & { beforeAnswer?: boolean }) => {
      // A kept socket the server closed while idle fails before any answer: try once on a fresh one.
      if (reused && err.beforeAnswer) return this.exchange(prefix, tail, timeoutMs);
      throw err;
    });
  }

  destroy(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): Socket {
    const { type, host, port } = this.target;
    const socket =
      type === 'https'
        ? tlsConnect({ host, port, servername: isIP(host) ? undefined : host })
        : netConnect({ host, port });
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    this.socket = socket;
    this.reusable = false;
    return socket;
  }

  private exchange(prefix: Buffer, tail: Buffer, timeoutMs: number): Promise<CallbackAnswer> {
    const socket = this.socket && !this.socket.destroyed && this.reusable ? this.socket : (this.destroy(), this.open());
    this.reusable = false;
    return new Promise<CallbackAnswer>((resolve, reject) => {
      let buf: Buffer = Buffer.alloc(0);
      let settled = false;
      const finish = (err: (Error & { beforeAnswer?: boolean }) | undefined, answer?: CallbackAnswer, keep = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
        socket.off('error', onError);
        if (err) {
          if (this.socket === socket) this.destroy();
          else socket.destroy();
          reject(err);
          return;
        }
        if (keep && this.socket === socket) this.reusable = true;
        else if (this.socket === socket) this.destroy();
        resolve(answer!);
      };
      const fail = (message: string, beforeAnswer = false) =>
        finish(Object.assign(new Error(message), { beforeAnswer: beforeAnswer && buf.length === 0 }));
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
      const parse = (closed: boolean) => {
        for (;;) {
          const headEnd = buf.indexOf(CRLF2);
          if (headEnd < 0) {
            if (buf.length > 64 * 1024) fail('answer headers over 64 KiB');
            else if (closed) fail('connection closed before the answer was complete');
            return;
          }
          const head = buf.subarray(0, headEnd).toString('latin1');
          const status = /^HTTP\/1\.([01]) (\d{3})/.exec(head);
          if (!status) return fail(`not an HTTP answer: ${JSON.stringify(head.slice(0, 40))}`);
          const code = Number(status[2]);
          if (code >= 100 && code < 200) {
            buf = buf.subarray(headEnd + 4);
            continue;
          }
          const header = (name: string) => new RegExp(`\\r\\n${name}:[ \\t]*([^\\r]*)`, 'i').exec(head)?.[1];
          const connection = (header('connection') ?? '').toLowerCase();
          const keep = status[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
          const bodyStart = headEnd + 4;
          const length = header('content-length');
          if (/chunked/i.test(header('transfer-encoding') ?? '')) {
            const body = dechunk(buf, bodyStart, this.maxBody);
            if (body === 'too-large') return fail(`answer over ${this.maxBody} bytes`);
            if (body === undefined) return closed ? fail('connection closed in a chunked answer') : undefined;
            // Trailers are not read: a socket that sent some is not reused.
            return finish(undefined, { status: code, body: body.body }, keep && body.clean);
          }
          if (length !== undefined) {
            const n = Number(length);
            if (!Number.isSafeInteger(n) || n < 0) return fail(`bad Content-Length ${JSON.stringify(length)}`);
            if (n > this.maxBody) return fail(`answer over ${this.maxBody} bytes`);
            if (buf.length - bodyStart < n)
              return closed ? fail('connection closed before the answer was complete') : undefined;
            return finish(undefined, { status: code, body: buf.subarray(bodyStart, bodyStart + n) }, keep);
          }
          // No length: the body runs to the close (HTTP/1.0).
          if (buf.length - bodyStart > this.maxBody) return fail(`answer over ${this.maxBody} bytes`);
          if (closed) return finish(undefined, { status: code, body: buf.subarray(bodyStart) }, false);
          return;
        }
      };
      const onData = (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        parse(false);
      };
      const onClose = () => parse(true);
      const onError = (err: Error) => fail(err.message, true);
      socket.on('data', onData);
      socket.once('close', onClose);
      socket.once('error', onError);
      socket.cork();
      socket.write(prefix);
      socket.write(tail);
      socket.uncork();
    });
  }
}

/** The body of a complete chunked message from `start`; undefined while incomplete. */
function dechunk(buf: Buffer, start: number, max: number): { body: Buffer; clean: boolean } | undefined | 'too-large' {
  const parts: Buffer[] = [];
  let size = 0;
  let at = start;
  for (;;) {
    const eol = buf.indexOf('\r\n', at, 'latin1');
    if (eol < 0) return undefined;
    const n = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(n) || n < 0) return undefined;
    if (n === 0) {
      // The last chunk, then optional trailers, then an empty line.
      const end = buf.indexOf('\r\n', eol + 2, 'latin1');
      return end < 0 ? undefined : { body: Buffer.concat(parts), clean: end === eol + 2 };
    }
    size += n;
    if (size > max) return 'too-large';
    if (buf.length < eol + 2 + n + 2) return undefined;
    parts.push(buf.subarray(eol + 2, eol + 2 + n));
    at = eol + 2 + n + 2;
  }
}
