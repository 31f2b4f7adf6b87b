import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { PbxStateSchema, type PbxState } from './model.js';

/** Where the state lives. `save` resolves only once the state would survive a crash. */
export interface Store {
  readonly description: string;
  load(): PbxState | undefined;
  /** Persists the state's JSON. Must not yield to I/O before it is durable (see StateHolder). */
  save(json: string): Promise<void>;
  close(): void;
}

export class StoreError extends Error {}

/** A save failed at run time: the change was not persisted. */
export class StoreWriteError extends StoreError {
  constructor(
    message: string,
    readonly file: string,
    readonly errno: string,
  ) {
    super(message);
  }
}

/** Another live process holds the folder's lock. */
export class StoreLockedError extends StoreError {
  constructor(
    message: string,
    readonly dir: string,
    readonly pid: number,
  ) {
    super(message);
  }
}

export class MemoryStore implements Store {
  readonly description = 'memory (nothing is persisted)';
  private snapshot: string | undefined;
  load(): PbxState | undefined {
    return this.snapshot === undefined ? undefined : (JSON.parse(this.snapshot) as PbxState);
  }
  async save(json: string): Promise<void> {
    this.snapshot = json;
  }
  close(): void {}
}

/**
 * One JSON file, replaced atomically: write a temp file, fsync it, rename it over the old one, fsync the
 * folder. A kill at any moment leaves either the old or the new file, never a torn one. A lock file keeps
 * two simulators from writing the same folder.
 */
export class JsonFileStore implements Store {
  readonly file: string;
  private readonly lockFile: string;
  private locked = false;
  private readonly guards: string[] = [];

  constructor(private readonly dir: string) {
    this.file = join(dir, 'state.json');
    this.lockFile = join(dir, 'lock');
  }

  get description(): string {
    return `JSON file ${this.file}`;
  }

  load(): PbxState | undefined {
    try {
      // Private from birth: the folder holds password-equivalent hashes and SIP secrets (README "What the data
      // folder holds"). An existing folder keeps the mode its owner gave it.
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw this.folderError(err, 'create');
    }
    this.lock();
    this.removeStaleTemps();
    this.removeStaleGuards();
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(`Cannot read the store file ${this.file}: ${(err as Error).message}`);
    }
    // A file written by an older version may be readable by others; every save writes 0600 anyway.
    try {
      chmodSync(this.file, 0o600);
    } catch {
      // Not ours to change (another owner, a read-only mount): the next save replaces it with a 0600 file.
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new StoreError(
        `The store file ${this.file} is not valid JSON (${(err as Error).message}). It was left untouched; move it away or start with --reset.`,
      );
    }
    const parsed = PbxStateSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      throw new StoreError(
        `The store file ${this.file} is corrupt at "${first.path.join('.') || '(root)'}": ${first.message}. It was left untouched; move it away or start with --reset.`,
      );
    }
    return parsed.data;
  }

  async save(json: string): Promise<void> {
    // Synchronous on purpose: writes are serialised by the state's queue, and a sync write of a few hundred
    // kilobytes is faster than the thread-pool round trips of the async API.
    const tmp = `${this.file}.${process.pid}.tmp`;
    let file = tmp;
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, json);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      file = this.file;
      renameSync(tmp, this.file);
      file = this.dir;
      const dirFd = openSync(this.dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      throw new StoreWriteError(`Cannot write the store file ${file} (${code}): ${(err as Error).message}`, file, code);
    }
  }

  /** Removes the state file so that the next load starts empty (`--reset`). */
  reset(): void {
    try {
      unlinkSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  close(): void {
    if (!this.locked) return;
    for (const f of [this.lockFile, ...this.guards.splice(0)]) {
      try {
        unlinkSync(f);
      } catch {
        // already gone
      }
    }
    this.locked = false;
  }

  /**
   * Takes the folder's lock. A fresh lock is created with O_EXCL. A stale one (its pid is gone) is taken over
   * without a window for a second winner: the taker first creates, with O_EXCL, a guard file named after the
   * stale lock's token, so of all processes racing for that one stale lock exactly one gets the guard; only it
   * renames its own freshly written lock over the stale one (an atomic replace, never an unlink that would let
   * an O_EXCL create slip in). Nobody else can change the lock meanwhile: creates fail while it exists, and
   * replacing it needs the guard for its current token.
   */
  private lock(): void {
    if (this.locked) return;
    const token = `${process.pid} ${randomBytes(12).toString('hex')}`;
    // The attempts bound the wait for a racer that holds a takeover guard but has not yet renamed its lock in.
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        const fd = openSync(this.lockFile, 'wx', 0o600);
        try {
          writeSync(fd, token);
        } finally {
          closeSync(fd);
        }
        this.locked = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw this.folderError(err, 'create the lock file');
      }
      let stale: string;
      try {
        stale = readFileSync(this.lockFile, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw this.folderError(err, 'read the lock file');
      }
      const pid = Number(stale.trim().split(' ')[0]);
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new StoreLockedError(
          `The data folder ${this.dir} is in use by another simulator (pid ${pid}). Use another --data folder or --memory.`,
          this.dir,
          pid,
        );
      }
      if (this.takeOver(stale, token)) {
        this.locked = true;
        return;
      }
      // Another process is taking this stale lock over; the lock is then live, which the next round reports.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
    throw new StoreError(
      `Cannot take the lock of the data folder ${this.dir}: it keeps changing hands, or a takeover was interrupted. If no simulator uses the folder, remove ${this.lockFile} and its .takeover-* files.`,
    );
  }

  /** Replaces the stale lock whose content is `stale` by ours; false when another process won that race. */
  private takeOver(stale: string, token: string): boolean {
    const key = createHash('sha256').update(stale).digest('hex').slice(0, 16);
    const guard = `${this.lockFile}.takeover-${key}`;
    let fd: number;
    try {
      fd = openSync(guard, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw this.folderError(err, 'create the lock takeover file');
    }
    closeSync(fd);
    // Guards of earlier generations are removed once their lock is live (removeStaleGuards), so a racer that
    // read an old stale lock could get its guard: it must see that stale content still in place.
    if (readFileSync(this.lockFile, 'utf8') !== stale) {
      unlinkSync(guard);
      return false;
    }
    const fresh = `${this.lockFile}.${process.pid}.new`;
    writeFileSync(fresh, token, { mode: 0o600 });
    renameSync(fresh, this.lockFile);
    // The guard stays until the lock it guarded is gone, so that a late racer that read the stale content
    // cannot take the guard again and replace our live lock; close() removes it.
    this.guards.push(guard);
    return true;
  }

  /** Temp copies a killed save left behind; holding the lock, no other writer can own one. */
  private removeStaleTemps(): void {
    const prefix = `${basename(this.file)}.`;
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      try {
        unlinkSync(join(this.dir, name));
      } catch {
        // Left for the next start; it is never read.
      }
    }
  }

  /** Takeover guards of killed holders: holding the live lock, none of them guards anything any more. */
  private removeStaleGuards(): void {
    const prefix = `${basename(this.lockFile)}.takeover-`;
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      if (!name.startsWith(prefix) || this.guards.includes(path)) continue;
      try {
        unlinkSync(path);
      } catch {
        // Another start removed it.
      }
    }
  }

  private folderError(err: unknown, what: string): StoreError {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    return new StoreError(`Cannot ${what} in the data folder ${this.dir} (${code}): ${(err as Error).message}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
