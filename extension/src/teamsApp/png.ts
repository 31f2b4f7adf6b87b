// Reading icons for the checks and drawing the two icons of a new app folder (pngjs, no native code).
import { PNG } from 'pngjs';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(buf: Buffer): boolean {
  return buf.length >= 24 && buf.subarray(0, 8).equals(SIGNATURE) && buf.toString('latin1', 12, 16) === 'IHDR';
}

/** Width and height from the IHDR chunk, without decoding the image (a huge icon costs nothing). */
export function pngSize(buf: Buffer): { width: number; height: number } | undefined {
  if (!isPng(buf)) return undefined;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** RGBA pixels; throws on a corrupt file. */
export function decodePng(buf: Buffer): { width: number; height: number; data: Buffer } {
  const png = PNG.sync.read(buf);
  return { width: png.width, height: png.height, data: png.data };
}

export interface OutlineProblems {
  /** Opaque pixels that are not white. */
  coloured: number;
  /** Pixels with alpha neither 0 nor 255. */
  semiTransparent: number;
  first?: { x: number; y: number; rgba: [number, number, number, number] };
}

/** The outline icon must be white on transparent, every alpha 0 or 255. */
export function outlineProblems(img: { width: number; data: Buffer }): OutlineProblems {
  const r: OutlineProblems = { coloured: 0, semiTransparent: 0 };
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3]!;
    const semi = a !== 0 && a !== 255;
    const coloured = a === 255 && (d[i] !== 255 || d[i + 1] !== 255 || d[i + 2] !== 255);
    if (semi) r.semiTransparent++;
    if (coloured) r.coloured++;
    if ((semi || coloured) && !r.first) {
      const p = i / 4;
      r.first = { x: p % img.width, y: Math.floor(p / img.width), rgba: [d[i]!, d[i + 1]!, d[i + 2]!, a] };
    }
  }
  return r;
}

export type Rgba = [number, number, number, number];

/** Encodes a width×height image whose pixel colours come from `paint(x, y)`. */
export function encodePng(width: number, height: number, paint: (x: number, y: number) => Rgba): Buffer {
  const png = new PNG({ width, height, colorType: 6 });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = paint(x, y);
      const i = (y * width + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = a;
    }
  return PNG.sync.write(png, { colorType: 6 });
}

/** A handset-like ring: inside the ring band of a circle centred in a size×size square. */
function ring(x: number, y: number, size: number, outer: number, inner: number): boolean {
  const c = (size - 1) / 2;
  const d = Math.hypot(x - c, y - c);
  return d <= outer && d >= inner;
}

/** The colour icon: 192×192, a white ring on a solid accent-coloured square. */
export function colorIcon(accent: [number, number, number] = [0x00, 0x5a, 0x9c]): Buffer {
  return encodePng(192, 192, (x, y) =>
    ring(x, y, 192, 60, 40) || ring(x, y, 192, 22, 0) ? [255, 255, 255, 255] : [...accent, 255],
  );
}

/** The outline icon: 32×32, a white ring on transparent, alpha only 0 or 255. */
export function outlineIcon(): Buffer {
  return encodePng(32, 32, (x, y) =>
    ring(x, y, 32, 15, 11) || ring(x, y, 32, 5, 0) ? [255, 255, 255, 255] : [0, 0, 0, 0],
  );
}
