import { EventSchema, type SimEvent } from '../../../shared/schemas/events.js';
import { UciNotificationSchema } from '../../../shared/schemas/uci.js';

/** Events as JSON Lines: one event per line, each line ending with a newline. */
export function toJsonLines(events: readonly SimEvent[]): string {
  let out = '';
  for (const e of events) out += JSON.stringify(e) + '\n';
  return out;
}

export interface ParsedJsonLines {
  events: SimEvent[];
  /** Lines that are neither an event nor a UCI notification carrying one (blank lines do not count). */
  skipped: number;
  /** The first few skipped lines' numbers (1-based), for a message. */
  skippedLines: number[];
}

/**
 * Reads a JSON Lines file: an export of the inspector or a `starface-sim record` recording. Each line is an
 * event or a UCI notification `{jsonrpc, method, params: event}`; anything else is skipped and counted.
 */
export function parseJsonLines(text: string): ParsedJsonLines {
  const events: SimEvent[] = [];
  const skippedLines: number[] = [];
  let skipped = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const event = parseLine(line);
    if (event) events.push(event);
    else {
      skipped++;
      if (skippedLines.length < 10) skippedLines.push(i + 1);
    }
  });
  return { events, skipped, skippedLines };
}

function parseLine(line: string): SimEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const event = EventSchema.safeParse(value);
  if (event.success) return event.data;
  const note = UciNotificationSchema.safeParse(value);
  return note.success ? note.data.params : undefined;
}
