// Reading app packages (yauzl) and writing them (yazl), in memory: packages are small (≤ 10 MB by rule).
import yauzl from 'yauzl';
import yazl from 'yazl';

export interface ZipEntryInfo {
  name: string;
  directory: boolean;
  compressedSize: number;
  size: number;
}

export interface OpenZip {
  entries: ZipEntryInfo[];
  /** The uncompressed bytes of an entry (at most `limit` bytes, default 20 MB), or undefined if absent. */
  read(name: string, limit?: number): Promise<Buffer | undefined>;
  close(): void;
}

const DEFAULT_LIMIT = 20 * 1024 * 1024;

/** An entry whose uncompressed size is over the read limit: never inflated. */
export class EntryTooLarge extends Error {
  constructor(
    readonly entry: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${entry} is ${size} bytes, over the ${limit}-byte limit`);
  }
}

/** Lists every entry; reads content only on demand, so a huge or hostile entry is never inflated needlessly. */
export function openZip(data: Buffer): Promise<OpenZip> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      data,
      { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true },
      (err, zip) => {
        if (err || !zip) return reject(err ?? new Error('not a zip file'));
        const entries: ZipEntryInfo[] = [];
        const byName = new Map<string, yauzl.Entry>();
        zip.on('error', reject);
        zip.on('entry', (e: yauzl.Entry) => {
          const directory = e.fileName.endsWith('/');
          entries.push({ name: e.fileName, directory, compressedSize: e.compressedSize, size: e.uncompressedSize });
          if (!directory && !byName.has(e.fileName)) byName.set(e.fileName, e);
          zip.readEntry();
        });
        zip.on('end', () =>
          resolve({
            entries,
            close: () => zip.close(),
            read: (name, limit = DEFAULT_LIMIT) =>
              new Promise((res, rej) => {
                const e = byName.get(name);
                if (!e) return res(undefined);
                if (e.uncompressedSize > limit) return rej(new EntryTooLarge(name, e.uncompressedSize, limit));
                zip.openReadStream(e, (err2, stream) => {
                  if (err2 || !stream) return rej(err2 ?? new Error(`cannot read ${name}`));
                  const chunks: Buffer[] = [];
                  stream.on('data', (c: Buffer) => chunks.push(c));
                  stream.on('error', rej);
                  stream.on('end', () => res(Buffer.concat(chunks)));
                });
              }),
          }),
        );
        zip.readEntry();
      },
    );
  });
}

/** A zip of the given files (name → bytes) in this order, deflated, with a fixed date for reproducible output. */
export function writeZip(files: Array<{ name: string; data: Buffer }>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    const mtime = new Date(Date.UTC(2020, 0, 1));
    for (const f of files) zip.addBuffer(f.data, f.name, { mtime, mode: 0o100644 });
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });
}
