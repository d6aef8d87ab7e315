// Small parsers shared by the settings. Each returns a value or throws a
// BuildpackError that names the setting, the value and what is accepted.
import { BuildpackError } from '../errors';

export function invalid(name: string, value: string, accepted: string): BuildpackError {
  return new BuildpackError('setting', `${name}=${JSON.stringify(value)} is not valid: ${accepted}`);
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);
export const BOOLEAN_ACCEPTED = 'expected one of true, false, 1, 0, yes, no (any case)';

export function parseBoolean(name: string, value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw invalid(name, value, BOOLEAN_ACCEPTED);
}

export type DurationUnit = 'ms' | 's';

/**
 * A duration such as `500ms`, `10s` or `2m`. A bare integer is read in `bareUnit`,
 * the same convention watchexec uses for the flag the setting feeds.
 */
export function parseDurationMs(
  name: string,
  value: string,
  bareUnit: DurationUnit,
  range: { minMs: number; maxMs: number },
): number {
  const match = /^(\d{1,9})\s*(ms|s|m)?$/.exec(value.trim());
  const accepted =
    `expected a duration such as 500ms, 10s or 2m (a bare number means ${bareUnit === 'ms' ? 'milliseconds' : 'seconds'}), ` +
    `between ${formatDuration(range.minMs)} and ${formatDuration(range.maxMs)}`;
  if (!match) throw invalid(name, value, accepted);
  const amount = Number(match[1]);
  const unit = match[2] ?? bareUnit;
  const ms = unit === 'ms' ? amount : unit === 's' ? amount * 1000 : amount * 60_000;
  if (ms < range.minMs || ms > range.maxMs) throw invalid(name, value, accepted);
  return ms;
}

/** A whole number such as `3`, between `range.min` and `range.max`. */
export function parseCount(name: string, value: string, range: { min: number; max: number }): number {
  const match = /^\d{1,9}$/.exec(value.trim());
  const count = match ? Number(match[0]) : NaN;
  if (!(count >= range.min && count <= range.max)) {
    throw invalid(name, value, `expected a whole number between ${range.min} and ${range.max}`);
  }
  return count;
}

/** Renders milliseconds the way watchexec's time-span parser reads them. */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

// Linux signal numbers, used to accept `TERM`, `SIGTERM` and `15` alike.
const SIGNALS: readonly string[] = [
  'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM',
  'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO',
  'PWR', 'SYS',
];
// Signals that cannot ask a process to stop: it would ignore them, be frozen, or they mean nothing.
const NOT_STOP_SIGNALS = new Set(['CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'WINCH']);

export function parseStopSignal(name: string, value: string): string {
  const word = value.trim().toUpperCase();
  const bare = /^\d+$/.test(word) ? SIGNALS[Number(word) - 1] : word.replace(/^SIG/, '');
  if (bare === undefined || !SIGNALS.includes(bare) || NOT_STOP_SIGNALS.has(bare)) {
    throw invalid(
      name,
      value,
      'expected a signal that stops a process, by name (SIGTERM, TERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGKILL, ...) or number (15)',
    );
  }
  return `SIG${bare}`;
}

/** A comma-separated list; every item must be non-empty once trimmed. */
export function parseList(name: string, value: string, what: string): string[] {
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw invalid(name, value, `expected a comma-separated list of ${what} with no empty items`);
  }
  for (const item of items) {
    if (/[\u0000-\u001f]/.test(item)) {
      throw invalid(name, value, `expected ${what} without control characters such as newlines`);
    }
  }
  return items;
}
