/**
 * One live-event source: a transport that follows a PBX's events (the UCI WebSocket, the UCI over XML-RPC with
 * our callback server, the simulator's event log). `follow.ts` picks one and falls back; each source resumes
 * through a `ResumeCursor`, so "where were we, what was lost, when to retry" is decided in one place.
 */
import type { SimEvent } from '../../../shared/schemas/events.js';

/** Which source: `uci` the WebSocket, `xml-rpc` the UCI over XML-RPC, `poll` the simulator's event log. */
export type LiveSourceKind = 'uci' | 'xml-rpc' | 'poll';

/** A source's connection state, for a status display: connecting, live (subscribed), reconnecting (with the wait). */
export type LiveSourceState =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'reconnecting'; error: Error; retryInMs: number }
  | { state: 'stopped' };

/** Events after `afterSeq` and before `beforeSeq` were missed during a drop; `filled`: asked for again with sinceSeq. */
export interface EventGap {
  afterSeq: number;
  beforeSeq: number;
  filled: boolean;
  /**
   * How many is unknown: the PBX had ended the session and numbers no events (a real STARFACE), so events may
   * have been missed before `beforeSeq` and none can be asked for again.
   */
  uncounted?: boolean;
}

/** What a source reports, and the timing it is given. */
export interface LiveSourceOptions {
  onEvents(events: SimEvent[]): void;
  /** The PBX restarted or events were lost: reload everything. */
  onResync?(): void;
  /** A failure; the source tries again in `retryInMs`. */
  onError?(err: Error, retryInMs: number): void;
  /** The PBX has no such source (no UCI WebSocket, no /xml-rpc): use another one. */
  onUnavailable?(reason: string): void;
  /** Signed out by the PBX (restart, expired token, refused UCI token): the source has stopped. */
  onSignedOut?(reason: string): void;
  onState?(state: LiveSourceState): void;
  /**
   * After a reconnect the PBX had events we had not seen: those after `afterSeq` and before `beforeSeq`.
   * `filled`: asked for again with sinceSeq (they arrive next); not filled: they left the PBX's buffer.
   */
  onGap?(gap: EventGap): void;
  keepAliveMs?: number;
  maxBackoffMs?: number;
}

export interface LiveSource {
  readonly kind: LiveSourceKind;
  /** Following now: connected and subscribed (or, polling, the last poll answered). */
  readonly connected: boolean;
  start(): void;
  /** Connects again now instead of waiting for the back-off (a user's "reconnect"); a no-op while connected. */
  reconnectNow(): void;
  /** Stops; resolves when everything it opened is closed (a fixed callback port is free again). */
  stop(): Promise<void>;
}
