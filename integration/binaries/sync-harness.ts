// Shared by the sync-*.test.ts files: builds the Go stream generator and a
// Node bundle of the sync commands (for runs as another user or with signals),
// runs commands with a given stdin, and compares extracted trees.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { expect } from 'vitest';
import { snapshot, type TreeEntry } from '../../src/sync/tar-fixture';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
const CACHE = path.join(REPO, '.cache', 'sync-tests');
export const NON_ROOT = { uid: 1000, gid: 1000 };

let streamgen: Promise<string> | undefined;
let runner: Promise<string> | undefined;

/** `go build` of integration/streamgen, once per test process. */
export function streamgenBinary(): Promise<string> {
  streamgen ??= (async () => {
    // Built under a private name, then renamed: test files build in parallel.
    const out = path.join(CACHE, 'streamgen');
    const building = `${out}.${process.pid}.tmp`;
    await fs.mkdir(CACHE, { recursive: true });
    execFileSync('go', ['build', '-o', building, '.'], {
      cwd: path.join(REPO, 'integration', 'streamgen'),
      env: { ...process.env, GOCACHE: process.env.GOCACHE ?? path.join(REPO, '.cache', 'go-build') },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await fs.rename(building, out);
    return out;
  })();
  return streamgen;
}

/**
 * The sync commands bundled for `node runner.mjs tar|rm ...`: a stand-in for
 * the SEA's tar/rm roles, readable by any user.
 */
export function runnerBundle(): Promise<string> {
  runner ??= (async () => {
    const out = path.join(CACHE, 'runner.mjs');
    const building = `${out}.${process.pid}.tmp.mjs`;
    await build({
      entryPoints: [path.join(REPO, 'integration', 'binaries', 'sync-runner.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: building,
      logLevel: 'warning',
    });
    await fs.rename(building, out);
    return out;
  })();
  return runner;
}

/** A stream from streamgen (tilt|skaffold -src ... or spec FILE). */
export async function generate(args: string[], input?: string): Promise<Buffer> {
  return execFileSync(await streamgenBinary(), args, { input, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

export async function spec(entries: object[], options: { noTrailer?: boolean } = {}): Promise<Buffer> {
  return generate(['spec', '-'], JSON.stringify({ entries, ...options }));
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Run as this user (via setpriv, with no supplementary groups). */
  as?: { uid: number; gid: number };
  umask?: number;
  cwd?: string;
}

/** Runs a command with `stdin` piped in and output collected. */
export function run(command: string, args: string[], stdin: Buffer | undefined, options: RunOptions = {}): Promise<Run> {
  let argv = [command, ...args];
  if (options.umask !== undefined) argv = ['sh', '-c', `umask ${options.umask.toString(8)} && exec "$@"`, 'sh', ...argv];
  if (options.as) argv = ['setpriv', `--reuid=${options.as.uid}`, `--regid=${options.as.gid}`, '--clear-groups', ...argv];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(stdin);
  });
}

export const SEA = path.join(REPO, 'build', 'buildpack', 'bin', 'livereload');

/**
 * Our tar or rm in a child process (for another user, or for signals): the
 * current sources bundled by esbuild, or with SYNC_HELPER=sea the built
 * executable's tar/rm roles.
 */
export async function oursCommand(tool: 'tar' | 'rm'): Promise<string[]> {
  return process.env.SYNC_HELPER === 'sea' ? [SEA, tool] : [process.execPath, await runnerBundle(), tool];
}

export async function runOurs(tool: 'tar' | 'rm', args: string[], stdin: Buffer | undefined, options: RunOptions = {}): Promise<Run> {
  const [command, ...prefix] = await oursCommand(tool);
  return run(command!, [...prefix, ...args], stdin, options);
}

export function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const isRoot = process.getuid?.() === 0;

export function hasSetpriv(): boolean {
  return existsSync('/usr/bin/setpriv') || existsSync('/bin/setpriv');
}

function digest(entry: TreeEntry): TreeEntry {
  const copy = { ...entry };
  if (copy.content !== undefined) copy.content = createHash('sha256').update(copy.content).digest('hex');
  return copy;
}

/**
 * GNU's tree and ours must be equal entry by entry: type, mode, owner,
 * content, link text; mtimes equal where GNU restored them from the archive
 * (older than the run), and also "now" for ours where GNU's is "now".
 */
export async function expectSameTree(gnuRoot: string, ourRoot: string, startedMs: number): Promise<Map<string, TreeEntry>> {
  const [gnu, ours] = await Promise.all([snapshot(gnuRoot), snapshot(ourRoot)]);
  expect([...ours.keys()]).toEqual([...gnu.keys()]);
  for (const [name, expected] of gnu) {
    const actual = ours.get(name)!;
    const { mtimeMs: gnuTime, nlink: _gnuLinks, ...gnuRest } = digest(expected);
    const { mtimeMs: ourTime, nlink: _ourLinks, ...ourRest } = digest(actual);
    expect({ name, ...ourRest }).toEqual({ name, ...gnuRest });
    if (gnuTime < startedMs - 1000) expect({ name, mtimeMs: ourTime }).toEqual({ name, mtimeMs: gnuTime });
    else expect(ourTime, `${name}: mtime should be recent`).toBeGreaterThanOrEqual(startedMs - 1000);
  }
  return gnu;
}

export async function tempNames(root: string): Promise<string[]> {
  return [...(await snapshot(root, false)).keys()].filter((name) => name.includes('.lrsync-'));
}
