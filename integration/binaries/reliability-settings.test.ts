// Invalid settings, plans and Procfiles through the BUILT bin/build: each fails
// the build (exit 1) with a message naming what was wrong and what is accepted,
// before anything is downloaded or written.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../src/settings/settings';
import {
  LAUNCH_PLAN,
  listTree,
  makeArchive,
  makeBuildpack,
  makeWorkspace,
  requireBuiltBinary,
  runBuild,
  writePlan,
  type Run,
  type Workspace,
} from './harness';
import { snapshot, tempDirs } from './reliability-helpers';

const dirs = tempDirs('cfg');
let bp: string;

const BOOLEAN = 'expected one of true, false, 1, 0, yes, no (any case)';
const SEMVER = 'expected a semver version or range such as 2.5.1, 2.4.*, ~2.5 or 2';
const SIGNAL = 'expected a signal that stops a process, by name (SIGTERM, TERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGKILL, ...) or number (15)';
const duration = (bare: 'milliseconds' | 'seconds', range: string) =>
  `expected a duration such as 500ms, 10s or 2m (a bare number means ${bare}), between ${range}`;
const WORDS = 'expected words split as a shell would split them';

/** [setting, invalid value, what the message must say is accepted] */
const INVALID_SETTINGS: [string, string, string][] = [
  ['BP_LIVE_RELOAD_ENABLED', 'maybe', BOOLEAN],
  ['BP_LIVE_RELOAD_ENABLED', 'on', BOOLEAN],
  ['BP_WATCHEXEC_VERSION', 'latest', SEMVER],
  ['BP_WATCHEXEC_VERSION', '>=banana', SEMVER],
  ['BP_WATCHEXEC_VERSION', '2.5.1.1.1', SEMVER],
  ['BP_LIVE_RELOAD_COMMAND', 'python3 "server.py', `unbalanced double quote; ${WORDS}`],
  ['BP_LIVE_RELOAD_COMMAND', "python3 'server.py", `unbalanced single quote at character 9; ${WORDS}`],
  ['BP_LIVE_RELOAD_COMMAND', 'python3 server.py \\', `a trailing backslash escapes nothing; ${WORDS}`],
  ['BP_LIVE_RELOAD_COMMAND', "''", 'expected a command, such as: python3 server.py --port 8080'],
  ['BP_LIVE_RELOAD_COMMAND', 'python3 server.py | tee log', 'it uses | operator, but the command runs without a shell'],
  ['BP_LIVE_RELOAD_WATCH', 'src,,lib', 'expected a comma-separated list of paths (absolute, or relative to the app directory) with no empty items'],
  ['BP_LIVE_RELOAD_WATCH', 'src\u0007', 'expected paths (absolute, or relative to the app directory) without control characters such as newlines'],
  ['BP_LIVE_RELOAD_IGNORE', '*.log,', 'expected a comma-separated list of glob patterns such as *.log or tmp/** with no empty items'],
  ['BP_LIVE_RELOAD_STOP_SIGNAL', 'SIGFOO', SIGNAL],
  ['BP_LIVE_RELOAD_STOP_SIGNAL', 'SIGCHLD', SIGNAL],
  ['BP_LIVE_RELOAD_STOP_SIGNAL', 'STOP', SIGNAL],
  ['BP_LIVE_RELOAD_STOP_SIGNAL', '0', SIGNAL],
  ['BP_LIVE_RELOAD_STOP_SIGNAL', '65', SIGNAL],
  ['BP_LIVE_RELOAD_STOP_TIMEOUT', 'soon', duration('seconds', '0s and 600s')],
  ['BP_LIVE_RELOAD_STOP_TIMEOUT', '601s', duration('seconds', '0s and 600s')],
  ['BP_LIVE_RELOAD_STOP_TIMEOUT', '-1s', duration('seconds', '0s and 600s')],
  ['BP_LIVE_RELOAD_STOP_TIMEOUT', '1.5s', duration('seconds', '0s and 600s')],
  ['BP_LIVE_RELOAD_DEBOUNCE', '0ms', duration('milliseconds', '1ms and 10s')],
  ['BP_LIVE_RELOAD_DEBOUNCE', '11s', duration('milliseconds', '1ms and 10s')],
  ['BP_LIVE_RELOAD_POLL', 'often', 'expected true/false, or a poll interval between 10ms and 60s such as 500ms or 2s'],
  ['BP_LIVE_RELOAD_POLL', '5ms', 'expected true/false, or a poll interval between 10ms and 60s such as 500ms or 2s'],
  ['BP_LIVE_RELOAD_VCS_IGNORE', 'sometimes', BOOLEAN],
  ['BP_LIVE_RELOAD_SYNC_HELPER', 'maybe', BOOLEAN],
  ['BP_LIVE_RELOAD_SYNC_WINDOW', '11s', duration('milliseconds', '0s and 10s')],
  ['BP_LIVE_RELOAD_SYNC_WINDOW', 'short', duration('milliseconds', '0s and 10s')],
  ['BP_DEPENDENCY_TIMEOUT', '0', duration('seconds', '1s and 600s')],
  ['BP_DEPENDENCY_TIMEOUT', '11m', duration('seconds', '1s and 600s')],
  ['BP_DEPENDENCY_RETRIES', '-1', 'expected a whole number between 0 and 10'],
  ['BP_DEPENDENCY_RETRIES', '11', 'expected a whole number between 0 and 10'],
  ['BP_DEPENDENCY_RETRIES', 'three', 'expected a whole number between 0 and 10'],
  ['BP_DEPENDENCY_MIRROR', 'ftp://mirror.example/deps', 'the scheme ftp: is not supported; use https:// or file://'],
  ['BP_DEPENDENCY_MIRROR', 'http://mirror.example', 'http:// is accepted only for a loopback host'],
  ['BP_LOG_LEVEL', 'LOUD', 'expected INFO or DEBUG (any case)'],
  ['BP_LOG_LEVEL', 'trace', 'expected INFO or DEBUG (any case)'],
];

/** [what, buildpack plan, the message] */
const INVALID_PLANS: [string, string, string][] = [
  ['not TOML', '[[entries]\nname = "watchexec"\n', 'is not valid TOML at line 1'],
  ['entries that are not tables', 'entries = "watchexec"\n', '"entries" must be an array of tables ([[entries]])'],
  ['an entry without a name', '[[entries]]\n[entries.metadata]\nlaunch = true\n', 'entries[0] must be a table with a non-empty string "name"'],
  ['metadata that is not a table', '[[entries]]\nname = "watchexec"\nmetadata = "launch"\n', 'entries[0] (watchexec) has "metadata" that is not a table'],
  [
    'an unknown metadata key',
    '[[entries]]\nname = "watchexec"\n[entries.metadata]\nlaunch = true\nlanuch = true\n',
    'buildpack plan entry #1 for "watchexec" has unknown metadata key(s) lanuch; known keys: launch, build, version, version-source, process',
  ],
  [
    'an unknown process key',
    '[[entries]]\nname = "watchexec"\n[entries.metadata.process]\ntype = "web"\ncmd = ["node"]\n',
    'metadata.process has unknown key(s) cmd; known keys: type, command, args, working-dir, default',
  ],
  ['launch that is not a boolean', '[[entries]]\nname = "watchexec"\n[entries.metadata]\nlaunch = "yes"\n', 'metadata.launch must be true or false, not "yes"'],
  ['a version that is not a range', '[[entries]]\nname = "watchexec"\n[entries.metadata]\nversion = "newest"\n', 'metadata.version "newest" is not a semver range such as "2.5.*"'],
  ['a process that is not a table', '[[entries]]\nname = "watchexec"\n[entries.metadata]\nprocess = "web"\n', 'metadata.process must be a table with type and command'],
  [
    'a process type with a space',
    '[[entries]]\nname = "watchexec"\n[entries.metadata.process]\ntype = "web server"\ncommand = ["node"]\n',
    'process type "web server" is not allowed; use letters, digits, ".", "_" and "-" only',
  ],
  [
    'a process type with a slash',
    '[[entries]]\nname = "watchexec"\n[entries.metadata.process]\ntype = "../web"\ncommand = ["node"]\n',
    'process type "../web" is not allowed',
  ],
  [
    'the process type ".."',
    '[[entries]]\nname = "watchexec"\n[entries.metadata.process]\ntype = ".."\ncommand = ["node"]\n',
    'process type ".." is not allowed; it cannot be a file name in /cnb/process',
  ],
  [
    'an empty process type',
    '[[entries]]\nname = "watchexec"\n[entries.metadata.process]\ntype = ""\ncommand = ["node"]\n',
    'process type "" is not allowed',
  ],
  [
    'an empty command',
    '[[entries]]\nname = "watchexec"\n[entries.metadata.process]\ntype = "web"\ncommand = []\n',
    '"command" must be a non-empty array of strings',
  ],
  [
    'a command that is a string',
    '[[entries]]\nname = "watchexec"\n[entries.metadata.process]\ntype = "web"\ncommand = "node server.js"\n',
    '"command" must be a non-empty array of strings',
  ],
  [
    'the same process from two requirers',
    '[[entries]]\nname = "watchexec"\n[entries.metadata.process]\ntype = "web"\ncommand = ["a"]\n[[entries]]\nname = "watchexec"\n[entries.metadata.process]\ntype = "web"\ncommand = ["b"]\n',
    'the buildpack plan asks twice for a reloadable "web" process',
  ],
];

/** [what, Procfile, the message] */
const INVALID_PROCFILES: [string, string, string][] = [
  ['a line without a colon', 'web: python3 server.py\nworker python3 worker.py\n', 'Procfile line 2: expected "type: command", got "worker python3 worker.py"'],
  ['an empty command', 'web:\n', 'Procfile line 1: process "web" has an empty command'],
  ['a type with a slash', 'web/1: python3 server.py\n', 'Procfile line 1: process type "web/1" is not allowed'],
  ['the type "."', '.: python3 server.py\n', 'Procfile line 1: process type "." is not allowed; it cannot be a file name in /cnb/process'],
  ['the type ".."', '..: python3 server.py\n', 'Procfile line 1: process type ".." is not allowed; it cannot be a file name in /cnb/process'],
  ['a type declared twice', 'web: a\nweb: b\n', 'Procfile line 2: process type "web" is declared twice'],
  ['an unbalanced quote', 'web: python3 "server.py\n', 'Procfile line 1: cannot parse the command of "web": unbalanced double quote'],
  ['a trailing backslash', 'web: python3 server.py \\\n', 'Procfile line 1: cannot parse the command of "web": a trailing backslash escapes nothing'],
  [
    'a type that clashes with a reloadable one',
    'web: python3 server.py\nreload-web: python3 other.py\n',
    'process type "reload-web" is declared by the app, but it is the name of the reloadable process this buildpack writes for "web"; rename it',
  ],
];

async function workspace(name: string, settings: Record<string, string>): Promise<Workspace> {
  const ws = await makeWorkspace(await dirs.make(name), settings);
  await writePlan(ws, LAUNCH_PLAN);
  await fs.writeFile(path.join(ws.app, 'Procfile'), 'web: python3 server.py\n');
  return ws;
}

/** Runs bin/build, expects exit 1 with `message` on stderr, and nothing written anywhere in the workspace. */
async function refused(ws: Workspace, message: string, env: Record<string, string> = {}): Promise<Run> {
  const before = await snapshot(ws.root);
  const result = await runBuild(bp, ws, env);
  expect(result.exitCode, result.output).toBe(1);
  expect(result.stderr).toContain(message);
  expect(result.stderr).not.toContain('ERROR (unexpected');
  expect(result.stdout).not.toContain('Downloading');
  expect(await listTree(ws.layers)).toEqual([]);
  expect(await snapshot(ws.root)).toEqual(before);
  return result;
}

beforeAll(async () => {
  requireBuiltBinary();
  const root = await dirs.make('fixtures');
  const good = await makeArchive(root, '2.5.1', 'amd64', 'gz');
  bp = await makeBuildpack(root, [{ ...good, uri: pathToFileURL(good.file).href }]);
});
afterAll(() => dirs.cleanup());

describe('invalid settings through the built bin/build', () => {
  it('the table covers every setting the buildpack reads', () => {
    const covered = new Set(INVALID_SETTINGS.map(([name]) => name));
    expect(SETTING_NAMES.filter((name) => !covered.has(name)), 'settings without an invalid value in INVALID_SETTINGS').toEqual([]);
  });

  it('a valid configuration of every setting builds (so the refusals below are about the values)', async () => {
    const ws = await workspace('valid', {
      BP_LIVE_RELOAD_ENABLED: 'true',
      BP_WATCHEXEC_VERSION: '~2.5',
      BP_LIVE_RELOAD_STOP_SIGNAL: 'SIGINT',
      BP_LIVE_RELOAD_STOP_TIMEOUT: '2s',
      BP_DEPENDENCY_TIMEOUT: '5s',
      BP_DEPENDENCY_RETRIES: '0',
      BP_LIVE_RELOAD_SYNC_HELPER: 'false',
    });
    const result = await runBuild(bp, ws);
    expect(result.exitCode, result.output).toBe(0);
  });

  it.each(INVALID_SETTINGS)('%s=%j fails the build, naming the setting, the value and what is accepted', async (name, value, accepted) => {
    const ws = await workspace('setting', { BP_LIVE_RELOAD_ENABLED: 'true', [name]: value });
    await refused(ws, `${name}=${JSON.stringify(value)} is not valid: ${accepted}`);
  });

  it('a bad value from the process environment (clear-env=false) fails the same way', async () => {
    const ws = await workspace('process-env', { BP_LIVE_RELOAD_ENABLED: 'true' });
    await refused(ws, 'BP_LIVE_RELOAD_STOP_TIMEOUT="forever" is not valid', { BP_LIVE_RELOAD_STOP_TIMEOUT: 'forever' });
  });
});

describe('malformed buildpack plans through the built bin/build', () => {
  it.each(INVALID_PLANS)('refuses %s', async (_, plan, message) => {
    const ws = await workspace('plan', { BP_LIVE_RELOAD_ENABLED: 'true' });
    await writePlan(ws, plan);
    await refused(ws, message);
  });
});

describe('malformed Procfiles through the built bin/build', () => {
  it.each(INVALID_PROCFILES)('refuses %s, naming the line, before installing anything', async (_, procfile, message) => {
    const ws = await workspace('procfile', { BP_LIVE_RELOAD_ENABLED: 'true' });
    await fs.writeFile(path.join(ws.app, 'Procfile'), procfile);
    await refused(ws, message);
  });

  it('refuses a Procfile that is a directory', async () => {
    const ws = await workspace('procfile-dir', { BP_LIVE_RELOAD_ENABLED: 'true' });
    await fs.rm(path.join(ws.app, 'Procfile'));
    await fs.mkdir(path.join(ws.app, 'Procfile'));
    await refused(ws, `cannot read ${path.join(ws.app, 'Procfile')}: EISDIR`);
  });
});
