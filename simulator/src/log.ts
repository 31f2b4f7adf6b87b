/** Structured logs: one JSON object per line on stderr. Callers never pass secrets (passwords, keys, tokens). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(
  minLevel: LogLevel | 'silent' = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  if (minLevel === 'silent') return () => {};
  return (level, msg, fields) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n');
  };
}

export const silentLogger: Logger = () => {};
