/**
 * A WebSocket text frame as the server puts it on the wire (RFC 6455 §5.2: FIN, opcode 1, not masked — a server
 * never masks), built once per event: every subscriber's socket is handed the same bytes, instead of `ws`
 * framing the payload again for each of them (a header buffer and two writes per subscriber and event).
 */
export interface WireFrame {
  /** The whole frame: header and payload. */
  readonly wire: Buffer;
  /** The payload alone (a view into `wire`), for a connection that must go through `ws` itself. */
  readonly payload: Buffer;
}

/** 0x80 FIN | opcode 0x1 text. */
const FIN_TEXT = 0x81;

export function textFrame(text: string): WireFrame {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(header + length);
  wire[0] = FIN_TEXT;
  if (header === 2) wire[1] = length;
  else if (header === 4) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    // 64-bit length, most significant bit 0; a frame is far below 2^48 bytes (UCI_MAX_FRAME_BYTES is the inbound cap).
    wire[1] = 127;
    wire.writeUInt16BE(0, 2);
    wire.writeUIntBE(length, 4, 6);
  }
  wire.write(text, header, 'utf8');
  return { wire, payload: wire.subarray(header) };
}

export function isWireFrame(frame: string | Buffer | WireFrame): frame is WireFrame {
  return typeof frame === 'object' && !Buffer.isBuffer(frame);
}
