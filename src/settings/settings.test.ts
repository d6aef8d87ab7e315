import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import {
  DEFAULT_POLL_MS,
  readEnabled,
  readLogLevel,
  readSettings,
  SETTING_DEFAULTS,
  SETTING_NAMES,
  type Env,
  type Settings,
} from './settings';

const APP = '/workspace';

/** The BuildpackError a call throws; fails the test when it throws nothing or something else. */
function settingError(fn: () => unknown): BuildpackError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('setting');
    return error as BuildpackError;
  }
  throw new Error('expected a BuildpackError, nothing was thrown');
}

const read = (env: Env): Settings => readSettings(env, APP);

describe('readSettings defaults', () => {
  const expected: Settings = {
    enabled: false,
    watchexecVersion: undefined,
    command: undefined,
    watch: ['/workspace'],
    ignore: [],
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 10_000,
    debounceMs: 50,
    pollMs: undefined,
    vcsIgnore: false,
    syncHelper: true,
    syncWindowMs: 300,
    downloadTimeoutMs: 30_000,
    downloadRetries: 3,
    logLevel: 'INFO',
  };

  it('uses the defaults when nothing is set', () => {
    expect(read({})).toEqual(expected);
  });

  it('treats empty and blank values as unset', () => {
    const blank = Object.fromEntries(SETTING_NAMES.map((name, i) => [name, i % 2 === 0 ? '' : '  \t ']));
    expect(read(blank)).toEqual(expected);
  });

  it('ignores unrelated variables', () => {
    expect(read({ PATH: '/usr/bin', BP_SOMETHING_ELSE: 'x' })).toEqual(expected);
  });
});

describe('SETTING_DEFAULTS matches buildpack.toml [[metadata.configurations]]', () => {
  const toml = parse(readFileSync(fileURLToPath(new URL('../../buildpack.toml', import.meta.url)), 'utf8')) as {
    metadata: { configurations: { name: string; default: string; build?: boolean }[] };
  };
  const documented = toml.metadata.configurations;

  it('documents exactly the settings the code reads, with the same defaults', () => {
    expect(Object.fromEntries(documented.map((c) => [c.name, c.default]))).toEqual(SETTING_DEFAULTS);
  });

  it('the documented defaults parse to the code defaults', () => {
    const env = Object.fromEntries(documented.map((c) => [c.name, c.default]));
    expect(read(env)).toEqual(read({}));
  });
});

describe('BP_LIVE_RELOAD_ENABLED', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    [' yes ', true],
    ['1', true],
    ['Yes', true],
    ['false', false],
    ['False', false],
    ['0', false],
    ['no', false],
    ['true\n', true], // platform env files are used verbatim; a trailing newline is common
  ])('%j -> %s', (value, enabled) => {
    expect(readEnabled({ BP_LIVE_RELOAD_ENABLED: value })).toBe(enabled);
    expect(read({ BP_LIVE_RELOAD_ENABLED: value }).enabled).toBe(enabled);
  });

  it.each(['on', 'off', 'y', '2', 'truee', 'enabled'])('refuses %j, naming the accepted words', (value) => {
    const error = settingError(() => readEnabled({ BP_LIVE_RELOAD_ENABLED: value }));
    expect(error.message).toBe(
      `BP_LIVE_RELOAD_ENABLED=${JSON.stringify(value)} is not valid: expected one of true, false, 1, 0, yes, no (any case)`,
    );
  });
});

describe('BP_LIVE_RELOAD_VCS_IGNORE', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['no', false],
  ])('%j -> %s', (value, vcsIgnore) => {
    expect(read({ BP_LIVE_RELOAD_VCS_IGNORE: value }).vcsIgnore).toBe(vcsIgnore);
  });

  it('refuses a non-boolean, naming the variable', () => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_VCS_IGNORE: 'sometimes' }));
    expect(error.message).toMatch(/^BP_LIVE_RELOAD_VCS_IGNORE="sometimes" is not valid: expected one of true, false/);
  });
});

describe('BP_LIVE_RELOAD_SYNC_HELPER (default on)', () => {
  it.each([
    ['false', false],
    ['0', false],
    ['NO', false],
    ['true', true],
    ['yes', true],
  ])('%j -> %s', (value, syncHelper) => {
    expect(read({ BP_LIVE_RELOAD_SYNC_HELPER: value }).syncHelper).toBe(syncHelper);
  });

  it('refuses a non-boolean, naming the variable', () => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_SYNC_HELPER: 'tilt' }));
    expect(error.message).toBe('BP_LIVE_RELOAD_SYNC_HELPER="tilt" is not valid: expected one of true, false, 1, 0, yes, no (any case)');
  });
});

describe('BP_LIVE_RELOAD_SYNC_WINDOW (bare number = milliseconds, 0s..10s)', () => {
  it.each([
    ['300ms', 300],
    ['300', 300],
    ['0', 0],
    ['1s', 1000],
    ['10s', 10_000],
  ])('%j -> %i ms', (value, ms) => {
    expect(read({ BP_LIVE_RELOAD_SYNC_WINDOW: value }).syncWindowMs).toBe(ms);
  });

  it.each(['10001', '11s', '1m', 'short', '0.5s'])('refuses %j', (value) => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_SYNC_WINDOW: value }));
    expect(error.message).toBe(
      `BP_LIVE_RELOAD_SYNC_WINDOW=${JSON.stringify(value)} is not valid: expected a duration such as 500ms, 10s or 2m (a bare number means milliseconds), between 0s and 10s`,
    );
  });
});

describe('BP_LOG_LEVEL', () => {
  it.each([
    ['INFO', 'INFO'],
    ['info', 'INFO'],
    ['debug', 'DEBUG'],
    [' Debug ', 'DEBUG'],
  ])('%j -> %s', (value, level) => {
    expect(readLogLevel({ BP_LOG_LEVEL: value })).toBe(level);
    expect(read({ BP_LOG_LEVEL: value }).logLevel).toBe(level);
  });

  it.each(['WARN', 'trace', 'verbose'])('refuses %j', (value) => {
    const error = settingError(() => readLogLevel({ BP_LOG_LEVEL: value }));
    expect(error.message).toBe(`BP_LOG_LEVEL=${JSON.stringify(value)} is not valid: expected INFO or DEBUG (any case)`);
  });
});

describe('BP_WATCHEXEC_VERSION', () => {
  it.each([
    ['2.5.1', '2.5.1'],
    [' 2.4.* ', '2.4.*'],
    ['~2.5', '~2.5'],
    ['2', '2'],
    ['>=2.4.0 <2.5.1', '>=2.4.0 <2.5.1'],
    ['^2.4.1 || 2.5.0', '^2.4.1 || 2.5.0'],
  ])('%j -> %j', (value, range) => {
    expect(read({ BP_WATCHEXEC_VERSION: value }).watchexecVersion).toBe(range);
  });

  it.each(['latest', 'two', '2.5.1.1.1', '>=banana'])('refuses %j', (value) => {
    const error = settingError(() => read({ BP_WATCHEXEC_VERSION: value }));
    expect(error.message).toBe(
      `BP_WATCHEXEC_VERSION=${JSON.stringify(value)} is not valid: expected a semver version or range such as 2.5.1, 2.4.*, ~2.5 or 2`,
    );
  });
});

describe('BP_LIVE_RELOAD_COMMAND', () => {
  it.each([
    ['python3 server.py --port 8080', ['python3', 'server.py', '--port', '8080']],
    ['  node   app.js  ', ['node', 'app.js']],
    [`node -e 'console.log("a b")'`, ['node', '-e', 'console.log("a b")']],
    ['ruby "my app.rb" "a|b"', ['ruby', 'my app.rb', 'a|b']],
    ['echo \\$HOME', ['echo', '$HOME']],
    ["sh -c 'npm start && echo done'", ['sh', '-c', 'npm start && echo done']],
  ])('%j -> %j', (value, argv) => {
    expect(read({ BP_LIVE_RELOAD_COMMAND: value }).command).toEqual(argv);
  });

  it.each([
    ["python3 'server.py", 'unbalanced single quote at character 9'],
    ['python3 "server.py', 'unbalanced double quote'],
    ['python3 server.py \\', 'a trailing backslash escapes nothing'],
  ])('refuses %j that cannot be split (%s)', (value, problem) => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_COMMAND: value }));
    expect(error.message).toBe(
      `BP_LIVE_RELOAD_COMMAND=${JSON.stringify(value)} is not valid: ${problem}; expected words split as a shell would split them`,
    );
  });

  it.each([
    ['npm run build | tee log', '| operator'],
    ['npm install && npm start', '& operator'],
    ['node app.js > out.log', '> operator'],
    ['node $APP_MAIN', '$ expansion'],
    ['node "$APP_MAIN"', '$ expansion'],
    ['node `which app`', '` command substitution'],
    ['node src/*.js', '* glob'],
    ['PORT=8080 node app.js', 'VAR=value assignment'],
    ['node app.js; echo', '; operator'],
  ])('refuses %j, which needs a shell (%s)', (value, feature) => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_COMMAND: value }));
    expect(error.message).toContain(`BP_LIVE_RELOAD_COMMAND=${JSON.stringify(value)} is not valid: it uses `);
    expect(error.message).toContain(feature);
    expect(error.message).toContain(
      "but the command runs without a shell; quote those characters, or ask for a shell explicitly: sh -c '<your command>' (the run image then needs sh)",
    );
  });

  it('lists every shell feature the command uses', () => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_COMMAND: 'a | b && $C' }));
    expect(error.message).toContain('it uses | operator, & operator, $ expansion, but');
  });

  it.each([`''`, `"" server.py`])('refuses %j, whose program name is empty', (value) => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_COMMAND: value }));
    expect(error.message).toContain('BP_LIVE_RELOAD_COMMAND=');
  });
});

describe('BP_LIVE_RELOAD_WATCH', () => {
  it.each([
    ['.', ['/workspace']],
    ['src', ['/workspace/src']],
    ['src, lib ,config/app.yml', ['/workspace/src', '/workspace/lib', '/workspace/config/app.yml']],
    ['/data,src', ['/data', '/workspace/src']],
    ['./src,src,src/,/workspace/src', ['/workspace/src']],
    ['src/../lib,lib', ['/workspace/lib']],
    ['.,./', ['/workspace']],
  ])('%j -> %j (relative to the app dir, deduplicated, in order)', (value, watch) => {
    expect(read({ BP_LIVE_RELOAD_WATCH: value }).watch).toEqual(watch);
  });

  it('resolves against the app dir it is given', () => {
    expect(readSettings({ BP_LIVE_RELOAD_WATCH: 'src,/abs' }, '/home/app').watch).toEqual(['/home/app/src', '/abs']);
  });

  it.each(['src,', ',src', 'src,,lib', ' , '])('refuses %j with an empty item', (value) => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_WATCH: value }));
    expect(error.message).toBe(
      `BP_LIVE_RELOAD_WATCH=${JSON.stringify(value)} is not valid: expected a comma-separated list of paths (absolute, or relative to the app directory) with no empty items`,
    );
  });

  it('refuses control characters such as a newline inside an item', () => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_WATCH: 'src\nlib' }));
    expect(error.message).toBe(
      `BP_LIVE_RELOAD_WATCH="src\\nlib" is not valid: expected paths (absolute, or relative to the app directory) without control characters such as newlines`,
    );
  });
});

describe('BP_LIVE_RELOAD_IGNORE', () => {
  it.each([
    ['*.log', ['*.log']],
    [' *.log , tmp/** ,node_modules/**', ['*.log', 'tmp/**', 'node_modules/**']],
  ])('%j -> %j (kept as globs, not resolved)', (value, ignore) => {
    expect(read({ BP_LIVE_RELOAD_IGNORE: value }).ignore).toEqual(ignore);
  });

  it.each(['*.log,', '*.log,,tmp'])('refuses %j with an empty item', (value) => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_IGNORE: value }));
    expect(error.message).toBe(
      `BP_LIVE_RELOAD_IGNORE=${JSON.stringify(value)} is not valid: expected a comma-separated list of glob patterns such as *.log or tmp/** with no empty items`,
    );
  });
});

describe('BP_LIVE_RELOAD_STOP_SIGNAL', () => {
  it.each([
    ['SIGTERM', 'SIGTERM'],
    ['term', 'SIGTERM'],
    ['15', 'SIGTERM'],
    [' sigint ', 'SIGINT'],
    ['INT', 'SIGINT'],
    ['2', 'SIGINT'],
    ['3', 'SIGQUIT'],
    ['1', 'SIGHUP'],
    ['9', 'SIGKILL'],
    ['10', 'SIGUSR1'],
    ['12', 'SIGUSR2'],
    ['SIGUSR2', 'SIGUSR2'],
    ['31', 'SIGSYS'],
  ])('%j -> %s', (value, signal) => {
    expect(read({ BP_LIVE_RELOAD_STOP_SIGNAL: value }).stopSignal).toBe(signal);
  });

  it.each([
    'SIGCONT',
    'CONT',
    '18', // SIGCONT
    'SIGSTOP',
    '19',
    'SIGTSTP',
    'SIGCHLD',
    '17',
    'SIGWINCH',
    'SIGURG',
    'SIGTTIN',
    'SIGTTOU',
    'SIGFOO',
    'SIGSIGTERM',
    '0',
    '32',
    '64',
    '-15',
    'SIG',
  ])('refuses %j', (value) => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_STOP_SIGNAL: value }));
    expect(error.message).toBe(
      `BP_LIVE_RELOAD_STOP_SIGNAL=${JSON.stringify(value)} is not valid: expected a signal that stops a process, by name (SIGTERM, TERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGKILL, ...) or number (15)`,
    );
  });
});

describe('BP_LIVE_RELOAD_STOP_TIMEOUT (bare number = seconds, 0s..600s)', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    ['10', 10_000],
    ['0', 0],
    ['0ms', 0],
    [' 3 s ', 3000],
    ['10m', 600_000],
    ['600s', 600_000],
  ])('%j -> %i ms', (value, ms) => {
    expect(read({ BP_LIVE_RELOAD_STOP_TIMEOUT: value }).stopTimeoutMs).toBe(ms);
  });

  it.each(['601s', '11m', '601', '1.5s', '-1s', '10h', 'ten', '10 seconds', '10S', '1234567890'])('refuses %j', (value) => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_STOP_TIMEOUT: value }));
    expect(error.message).toBe(
      `BP_LIVE_RELOAD_STOP_TIMEOUT=${JSON.stringify(value)} is not valid: expected a duration such as 500ms, 10s or 2m (a bare number means seconds), between 0s and 600s`,
    );
  });
});

describe('BP_LIVE_RELOAD_DEBOUNCE (bare number = milliseconds, 1ms..10s)', () => {
  it.each([
    ['50ms', 50],
    ['50', 50],
    ['1', 1],
    ['1s', 1000],
    ['10s', 10_000],
    ['10000', 10_000],
  ])('%j -> %i ms', (value, ms) => {
    expect(read({ BP_LIVE_RELOAD_DEBOUNCE: value }).debounceMs).toBe(ms);
  });

  it.each(['0', '0ms', '10001', '11s', '1m', 'fast', '50 ms x'])('refuses %j', (value) => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_DEBOUNCE: value }));
    expect(error.message).toBe(
      `BP_LIVE_RELOAD_DEBOUNCE=${JSON.stringify(value)} is not valid: expected a duration such as 500ms, 10s or 2m (a bare number means milliseconds), between 1ms and 10s`,
    );
  });
});

describe('BP_LIVE_RELOAD_POLL', () => {
  it.each([
    ['false', undefined],
    ['FALSE', undefined],
    ['0', undefined],
    ['no', undefined],
    ['true', DEFAULT_POLL_MS],
    ['True', 500],
    ['1', 500],
    ['yes', 500],
    ['500ms', 500],
    ['2s', 2000],
    ['250', 250],
    ['10ms', 10],
    ['1m', 60_000],
  ])('%j -> %s', (value, pollMs) => {
    expect(read({ BP_LIVE_RELOAD_POLL: value }).pollMs).toBe(pollMs);
  });

  it.each(['9ms', '2m', '60001', 'sometimes', '1.5s'])('refuses %j', (value) => {
    const error = settingError(() => read({ BP_LIVE_RELOAD_POLL: value }));
    expect(error.message).toBe(
      `BP_LIVE_RELOAD_POLL=${JSON.stringify(value)} is not valid: expected true/false, or a poll interval between 10ms and 60s such as 500ms or 2s`,
    );
  });
});

describe('readSettings reports the first bad value it meets', () => {
  it('names the offending variable even when others are valid', () => {
    const error = settingError(() =>
      read({ BP_LIVE_RELOAD_ENABLED: 'true', BP_LIVE_RELOAD_COMMAND: 'node app.js', BP_LIVE_RELOAD_DEBOUNCE: '20s' }),
    );
    expect(error.message).toMatch(/^BP_LIVE_RELOAD_DEBOUNCE="20s"/);
  });
});
