import type { Socket } from 'node:net';

/** Sockets corked in the current tick; one process.nextTick uncorks them all (not one callback per socket). */
const corked = new Set<Socket>();

/**
 * Holds the socket's writes until the current code has run: the frames of a burst of events leave in one
 * system call per socket. Order is kept: a corked socket buffers every write, ours and `ws`'s, in sequence.
 */
export function corkUntilTickEnd(socket: Socket): void {
  if (corked.has(socket)) return;
  if (corked.size === 0) process.nextTick(uncorkAll);
  corked.add(socket);
  socket.cork();
}

function uncorkAll(): void {
  const sockets = [...corked];
  corked.clear();
  for (const socket of sockets) socket.uncork();
}
