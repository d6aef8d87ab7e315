import { describe, expect, it } from 'vitest';
import { parseBuildpackPlan, type PlanEntry } from '../cnb/buildpack-plan';
import { BuildpackError } from '../errors';
import { DEPENDENCY_NAME, mergeWatchexecEntries } from './plan-request';

const entry = (metadata: Record<string, unknown>, name = 'watchexec'): PlanEntry => ({ name, metadata });

function planError(entries: PlanEntry[]): BuildpackError {
  try {
    mergeWatchexecEntries(entries);
  } catch (error) {
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('plan');
    return error as BuildpackError;
  }
  throw new Error('expected a BuildpackError, nothing was thrown');
}

describe('mergeWatchexecEntries', () => {
  it('is undefined when nothing requires watchexec', () => {
    expect(DEPENDENCY_NAME).toBe('watchexec');
    expect(mergeWatchexecEntries([])).toBeUndefined();
    expect(mergeWatchexecEntries([entry({ launch: true }, 'node'), entry({}, 'watchexec-ish')])).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>[], { launch: boolean; build: boolean }]>([
    ['no flags: launch by default', [{}], { launch: true, build: false }],
    ['launch', [{ launch: true }], { launch: true, build: false }],
    ['build only', [{ build: true }], { launch: false, build: true }],
    ['both in one entry', [{ launch: true, build: true }], { launch: true, build: true }],
    ['both across entries', [{ launch: true }, { build: true }], { launch: true, build: true }],
    ['false flags everywhere: launch by default', [{ launch: false, build: false }, {}], { launch: true, build: false }],
    ['one false, one true', [{ build: false }, { build: true }], { launch: false, build: true }],
  ])('%s', (_, metadata, flags) => {
    const request = mergeWatchexecEntries(metadata.map((m) => entry(m)))!;
    expect({ launch: request.launch, build: request.build }).toEqual(flags);
  });

  it('ignores entries for other dependencies, even malformed ones', () => {
    expect(mergeWatchexecEntries([entry({ nonsense: 1, launch: 'yes' }, 'node'), entry({ build: true })])).toEqual({
      launch: false,
      build: true,
      versions: [],
      processes: [],
    });
  });

  it('collects version constraints with their source, in order', () => {
    const request = mergeWatchexecEntries([
      entry({ launch: true, version: '2.5.*', 'version-source': 'paketo-buildpacks/go-build' }),
      entry({ version: '>=2.4' }),
    ])!;
    expect(request.versions).toEqual([
      { range: '2.5.*', source: 'paketo-buildpacks/go-build' },
      { range: '>=2.4', source: 'a requiring buildpack' },
    ]);
  });

  it('reads one process table', () => {
    const entries = parseBuildpackPlan(
      `[[entries]]
name = "watchexec"
[entries.metadata]
launch = true
[entries.metadata.process]
type = "web"
command = ["node", "server.js"]
args = ["--port", "8080"]
working-dir = "/workspace/app"
default = true
`,
      'plan.toml',
    );
    expect(mergeWatchexecEntries(entries)!.processes).toEqual([
      { type: 'web', command: ['node', 'server.js'], args: ['--port', '8080'], default: true, workingDir: '/workspace/app' },
    ]);
  });

  it('reads an array of process tables, and processes across entries', () => {
    const entries = parseBuildpackPlan(
      `[[entries]]
name = "watchexec"
[[entries.metadata.process]]
type = "web"
command = ["node", "server.js"]
[[entries.metadata.process]]
type = "worker"
command = ["node", "worker.js"]

[[entries]]
name = "node"

[[entries]]
name = "watchexec"
[entries.metadata]
build = true
[entries.metadata.process]
type = "clock"
command = ["node", "clock.js"]
default = false
`,
      'plan.toml',
    );
    expect(mergeWatchexecEntries(entries)).toEqual({
      launch: false,
      build: true,
      versions: [],
      processes: [
        { type: 'web', command: ['node', 'server.js'], args: [], default: false },
        { type: 'worker', command: ['node', 'worker.js'], args: [], default: false },
        { type: 'clock', command: ['node', 'clock.js'], args: [], default: false },
      ],
    });
  });

  it('an empty process array asks for no process', () => {
    expect(mergeWatchexecEntries([entry({ process: [] })])!.processes).toEqual([]);
  });

  const W1 = 'buildpack plan entry #1 for "watchexec"';
  const W2 = 'buildpack plan entry #2 for "watchexec"';
  const web = { type: 'web', command: ['node'] };

  it.each<[string, PlanEntry[], string]>([
    [
      'unknown entry keys',
      [entry({ launch: true, cache: true, versions: '2' })],
      `${W1} has unknown metadata key(s) cache, versions; known keys: launch, build, version, version-source, process`,
    ],
    ['a non-boolean launch', [entry({ launch: 'true' })], `${W1}: metadata.launch must be true or false, not "true"`],
    ['a non-boolean build in the second entry', [entry({}, 'node'), entry({}), entry({ build: 1 })], `${W2}: metadata.build must be true or false, not 1`],
    ['a bad version range', [entry({ version: 'latest' })], `${W1}: metadata.version "latest" is not a semver range such as "2.5.*"`],
    ['a non-string version', [entry({ version: 2 })], `${W1}: metadata.version 2 is not a semver range such as "2.5.*"`],
    ['a process that is not a table', [entry({ process: 'web' })], `${W1}, metadata.process must be a table with type and command`],
    [
      'a bad item in a process array',
      [entry({ process: [web, 'worker'] })],
      `${W1}, metadata.process[1] must be a table with type and command`,
    ],
    [
      'unknown process keys',
      [entry({ process: { ...web, env: {}, direct: true } })],
      `${W1}, metadata.process has unknown key(s) env, direct; known keys: type, command, args, working-dir, default`,
    ],
    ['a missing type', [entry({ process: { command: ['node'] } })], `${W1}, metadata.process: "type" must be a string`],
    [
      'an invalid type name',
      [entry({ process: { type: 'web app', command: ['node'] } })],
      `${W1}, metadata.process: process type "web app" is not allowed; use letters, digits, ".", "_" and "-" only`,
    ],
    ['a missing command', [entry({ process: { type: 'web' } })], `${W1}, metadata.process: "command" must be a non-empty array of strings`],
    ['a string command', [entry({ process: { type: 'web', command: 'node app.js' } })], `${W1}, metadata.process: "command" must be a non-empty array of strings`],
    ['an empty command', [entry({ process: { type: 'web', command: [] } })], `${W1}, metadata.process: "command" must be a non-empty array of strings`],
    ['a command with a number', [entry({ process: { type: 'web', command: ['node', 1] } })], `${W1}, metadata.process: "command" must be a non-empty array of strings`],
    ['an empty program name', [entry({ process: { type: 'web', command: ['', 'x'] } })], `${W1}, metadata.process: "command" must start with a program name`],
    ['string args', [entry({ process: { ...web, args: '--x' } })], `${W1}, metadata.process: "args" must be an array of strings`],
    ['a non-boolean default', [entry({ process: { ...web, default: 'yes' } })], `${W1}, metadata.process: "default" must be true or false`],
    ['a non-string working-dir', [entry({ process: { ...web, 'working-dir': ['/w'] } })], `${W1}, metadata.process: "working-dir" must be a string`],
    [
      'the same type twice across entries',
      [entry({ process: web }), entry({ process: { type: 'web', command: ['python3'] } })],
      'the buildpack plan asks twice for a reloadable "web" process',
    ],
    [
      'the same type twice in one array',
      [entry({ process: [web, { type: 'worker', command: ['w'] }, web] })],
      'the buildpack plan asks twice for a reloadable "web" process',
    ],
  ])('refuses %s', (_, entries, message) => {
    expect(planError(entries).message).toBe(message);
  });
});
