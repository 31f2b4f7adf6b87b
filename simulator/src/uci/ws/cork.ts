import type { Socket } from 'node:net';

/** Sockets written to in the current tick, and those of them corked; one process.nextTick ends the tick for all. */
const written = new Set<Socket>();
const corked = new Set<Socket>();

/**
 * Called before each frame is written. The first frame of a tick goes out at once (one event: no cork, no
 * buffering); from the second on the socket is corked until the current code has run, so a burst of events
 * leaves in one more system call per socket instead of one per frame. Order is kept: a corked socket buffers
 * every write, ours and `ws`'s, in sequence.
 */
export function corkUntilTickEnd(socket: Socket): void {
  if (!written.has(socket)) {
    if (written.size === 0) process.nextTick(endTick);
    written.add(socket);
    return;
  }
  if (corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
}

function endTick(): void {
  const sockets = [...corked];
  corked.clear();
  written.clear();
  for (const socket of sockets) socket.uncork();
}
