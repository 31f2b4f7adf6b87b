import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
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

  constructor(private readonly dir: string) {
    this.file = join(dir, 'state.json');
    this.lockFile = join(dir, 'lock');
  }

  get description(): string {
    return `JSON file ${this.file}`;
  }

  load(): PbxState | undefined {
    mkdirSync(this.dir, { recursive: true });
    this.lock();
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(`Cannot read the store file ${this.file}: ${(err as Error).message}`);
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
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, json);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
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
    try {
      unlinkSync(this.lockFile);
    } catch {
      // already gone
    }
    this.locked = false;
  }

  private lock(): void {
    if (this.locked) return;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.lockFile, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.locked = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(readFileSync(this.lockFile, 'utf8').trim());
        if (pid && pid !== process.pid && isAlive(pid)) {
          throw new StoreLockedError(
            `The data folder ${this.dir} is in use by another simulator (pid ${pid}). Use another --data folder or --memory.`,
            this.dir,
            pid,
          );
        }
        // A lock left by a killed simulator: take it over.
        unlinkSync(this.lockFile);
      }
    }
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
