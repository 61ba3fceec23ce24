import fs from 'node:fs';
import path from 'node:path';

export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

function inline(detail: unknown): string {
  if (detail === undefined) return '';
  if (detail instanceof Error) return ` ${detail.message}`;
  return ` ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
}

function serialise(detail: unknown): unknown {
  if (detail instanceof Error) return { name: detail.name, message: detail.message, stack: detail.stack };
  return detail;
}

/**
 * JSON lines in `<dataDir>/logs/dutydesk.log` (one object per line: time, level, message, detail);
 * warnings and errors are echoed to stderr so a terminal shows them too.
 */
export function createFileLogger(
  logDir: string,
  echo: (line: string) => void = (line) => console.error(line),
): Logger {
  fs.mkdirSync(logDir, { recursive: true });
  const file = path.join(logDir, 'dutydesk.log');
  const write = (level: LogLevel, message: string, detail?: unknown): void => {
    const entry = { time: new Date().toISOString(), level, message, detail: serialise(detail) };
    try {
      fs.appendFileSync(file, `${JSON.stringify(entry)}\n`);
    } catch {
      // Logging must never take the app down (a full disk is reported elsewhere).
    }
    if (level !== 'info') echo(`[${level}] ${message}${inline(detail)}`);
  };
  return {
    info: (message, detail) => write('info', message, detail),
    warn: (message, detail) => write('warn', message, detail),
    error: (message, detail) => write('error', message, detail),
  };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
