// The BP_* settings this buildpack reads, validated into one typed value.
// buildpack.toml's [[metadata.configurations]] documents the same names and
// defaults; a unit test keeps the two in step.
import path from 'node:path/posix';
import { validRange } from 'semver';
import { splitWords } from '../processes/words';
import {
  formatDuration,
  invalid,
  parseBoolean,
  parseDurationMs,
  parseCount,
  parseList,
  parseStopSignal,
} from './parse';

export type LogLevel = 'INFO' | 'DEBUG';

export interface Settings {
  enabled: boolean;
  /** A semver range that overrides every requirer's version constraint. */
  watchexecVersion: string | undefined;
  /** BP_LIVE_RELOAD_COMMAND split into argv, run without a shell. */
  command: string[] | undefined;
  /** Absolute paths watchexec watches. */
  watch: string[];
  ignore: string[];
  stopSignal: string;
  stopTimeoutMs: number;
  debounceMs: number;
  /** Poll interval; undefined means native file events (inotify). */
  pollMs: number | undefined;
  /** Whether .gitignore and other VCS ignore files stop changes from restarting the app. */
  vcsIgnore: boolean;
  /** Whether to add the sync helper layer and the `tar` and `rm` process types. */
  syncHelper: boolean;
  /** How long the app waits for the follow-up command of a Tilt or Skaffold sync. */
  syncWindowMs: number;
  /** Longest wait for the dependency server: to connect, for headers, between body chunks. */
  downloadTimeoutMs: number;
  /** Retries of a download after network errors, timeouts and 5xx. */
  downloadRetries: number;
  logLevel: LogLevel;
}

export const SETTING_DEFAULTS = {
  BP_LIVE_RELOAD_ENABLED: 'false',
  BP_WATCHEXEC_VERSION: '',
  BP_LIVE_RELOAD_COMMAND: '',
  BP_LIVE_RELOAD_WATCH: '.',
  BP_LIVE_RELOAD_IGNORE: '',
  BP_LIVE_RELOAD_STOP_SIGNAL: 'SIGTERM',
  BP_LIVE_RELOAD_STOP_TIMEOUT: '10s',
  BP_LIVE_RELOAD_DEBOUNCE: '50ms',
  BP_LIVE_RELOAD_POLL: 'false',
  BP_LIVE_RELOAD_VCS_IGNORE: 'false',
  BP_LIVE_RELOAD_SYNC_HELPER: 'true',
  BP_LIVE_RELOAD_SYNC_WINDOW: '300ms',
  BP_DEPENDENCY_TIMEOUT: '30s',
  BP_DEPENDENCY_RETRIES: '3',
  BP_DEPENDENCY_MIRROR: '',
  BP_LOG_LEVEL: 'INFO',
} as const;

export type SettingName = keyof typeof SETTING_DEFAULTS;
export const SETTING_NAMES = Object.keys(SETTING_DEFAULTS) as SettingName[];

export type Env = Readonly<Record<string, string | undefined>>;

/** The value a user set, or undefined when it is unset or empty. */
function given(env: Env, name: SettingName): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Only the switch detect needs; the other settings are read at build time. */
export function readEnabled(env: Env): boolean {
  const value = given(env, 'BP_LIVE_RELOAD_ENABLED');
  return value === undefined ? false : parseBoolean('BP_LIVE_RELOAD_ENABLED', value);
}

export function readLogLevel(env: Env): LogLevel {
  const value = given(env, 'BP_LOG_LEVEL');
  if (value === undefined) return 'INFO';
  const level = value.trim().toUpperCase();
  if (level === 'INFO' || level === 'DEBUG') return level;
  throw invalid('BP_LOG_LEVEL', value, 'expected INFO or DEBUG (any case)');
}

export function readSettings(env: Env, appDir: string): Settings {
  return {
    enabled: readEnabled(env),
    watchexecVersion: readVersionRange(env),
    command: readCommand(env),
    watch: readWatch(env, appDir),
    ignore: readIgnore(env),
    stopSignal: parseStopSignal('BP_LIVE_RELOAD_STOP_SIGNAL', given(env, 'BP_LIVE_RELOAD_STOP_SIGNAL') ?? 'SIGTERM'),
    stopTimeoutMs: parseDurationMs(
      'BP_LIVE_RELOAD_STOP_TIMEOUT',
      given(env, 'BP_LIVE_RELOAD_STOP_TIMEOUT') ?? SETTING_DEFAULTS.BP_LIVE_RELOAD_STOP_TIMEOUT,
      's',
      { minMs: 0, maxMs: 10 * 60_000 },
    ),
    debounceMs: parseDurationMs(
      'BP_LIVE_RELOAD_DEBOUNCE',
      given(env, 'BP_LIVE_RELOAD_DEBOUNCE') ?? SETTING_DEFAULTS.BP_LIVE_RELOAD_DEBOUNCE,
      'ms',
      { minMs: 1, maxMs: 10_000 },
    ),
    pollMs: readPoll(env),
    vcsIgnore: parseBoolean('BP_LIVE_RELOAD_VCS_IGNORE', given(env, 'BP_LIVE_RELOAD_VCS_IGNORE') ?? 'false'),
    syncHelper: parseBoolean('BP_LIVE_RELOAD_SYNC_HELPER', given(env, 'BP_LIVE_RELOAD_SYNC_HELPER') ?? 'true'),
    syncWindowMs: parseDurationMs(
      'BP_LIVE_RELOAD_SYNC_WINDOW',
      given(env, 'BP_LIVE_RELOAD_SYNC_WINDOW') ?? SETTING_DEFAULTS.BP_LIVE_RELOAD_SYNC_WINDOW,
      'ms',
      { minMs: 0, maxMs: 10_000 },
    ),
    downloadTimeoutMs: parseDurationMs(
      'BP_DEPENDENCY_TIMEOUT',
      given(env, 'BP_DEPENDENCY_TIMEOUT') ?? SETTING_DEFAULTS.BP_DEPENDENCY_TIMEOUT,
      's',
      { minMs: 1000, maxMs: 10 * 60_000 },
    ),
    downloadRetries: parseCount('BP_DEPENDENCY_RETRIES', given(env, 'BP_DEPENDENCY_RETRIES') ?? SETTING_DEFAULTS.BP_DEPENDENCY_RETRIES, {
      min: 0,
      max: 10,
    }),
    logLevel: readLogLevel(env),
  };
}

function readVersionRange(env: Env): string | undefined {
  const value = given(env, 'BP_WATCHEXEC_VERSION');
  if (value === undefined) return undefined;
  if (validRange(value.trim()) === null) {
    throw invalid('BP_WATCHEXEC_VERSION', value, 'expected a semver version or range such as 2.5.1, 2.4.*, ~2.5 or 2');
  }
  return value.trim();
}

function readCommand(env: Env): string[] | undefined {
  const value = given(env, 'BP_LIVE_RELOAD_COMMAND');
  if (value === undefined) return undefined;
  const split = splitWords(value);
  if (!split.ok) {
    throw invalid('BP_LIVE_RELOAD_COMMAND', value, `${split.problem}; expected words split as a shell would split them`);
  }
  if (split.words.length === 0 || split.words[0] === '') {
    throw invalid('BP_LIVE_RELOAD_COMMAND', value, 'expected a command, such as: python3 server.py --port 8080');
  }
  if (split.shellFeatures.length > 0) {
    throw invalid(
      'BP_LIVE_RELOAD_COMMAND',
      value,
      `it uses ${split.shellFeatures.join(', ')}, but the command runs without a shell; ` +
        `quote those characters, or ask for a shell explicitly: sh -c '<your command>' (the run image then needs sh)`,
    );
  }
  return split.words;
}

function readWatch(env: Env, appDir: string): string[] {
  const value = given(env, 'BP_LIVE_RELOAD_WATCH') ?? SETTING_DEFAULTS.BP_LIVE_RELOAD_WATCH;
  const paths = parseList('BP_LIVE_RELOAD_WATCH', value, 'paths (absolute, or relative to the app directory)');
  return [...new Set(paths.map((p) => path.resolve(appDir, p)))];
}

function readIgnore(env: Env): string[] {
  const value = given(env, 'BP_LIVE_RELOAD_IGNORE');
  return value === undefined ? [] : parseList('BP_LIVE_RELOAD_IGNORE', value, 'glob patterns such as *.log or tmp/**');
}

function readPoll(env: Env): number | undefined {
  const value = given(env, 'BP_LIVE_RELOAD_POLL');
  if (value === undefined) return undefined;
  const word = value.trim().toLowerCase();
  if (['false', '0', 'no'].includes(word)) return undefined;
  if (['true', 'yes', '1'].includes(word)) return DEFAULT_POLL_MS;
  const range = { minMs: 10, maxMs: 60_000 };
  try {
    return parseDurationMs('BP_LIVE_RELOAD_POLL', value, 'ms', range);
  } catch {
    throw invalid(
      'BP_LIVE_RELOAD_POLL',
      value,
      `expected true/false, or a poll interval between ${formatDuration(range.minMs)} and ${formatDuration(range.maxMs)} such as 500ms or 2s`,
    );
  }
}

export const DEFAULT_POLL_MS = 500;
