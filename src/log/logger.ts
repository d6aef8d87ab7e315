// The build log, shaped like Paketo's: a title line, then steps indented by
// two spaces per level. Debug lines appear only with BP_LOG_LEVEL=DEBUG.
import type { LogLevel } from '../settings/settings';

export interface Logger {
  title(text: string): void;
  /** Level 1: a phase of the build. */
  process(text: string): void;
  /** Level 2: a step inside a phase. */
  subprocess(text: string): void;
  /** Level 3: a detail of a step. */
  action(text: string): void;
  debug(text: string): void;
  break(): void;
}

export function createLogger(write: (line: string) => void, level: LogLevel): Logger {
  const at = (indent: number) => (text: string) => {
    for (const line of text.split('\n')) write(`${' '.repeat(indent)}${line}`);
  };
  return {
    title: at(0),
    process: at(2),
    subprocess: at(4),
    action: at(6),
    debug: level === 'DEBUG' ? at(4) : () => {},
    break: () => write(''),
  };
}

export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}
