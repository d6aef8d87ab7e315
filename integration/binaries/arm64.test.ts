// The linux/arm64 executable is real: build/buildpack/linux/arm64/bin/{detect,build}
// run under qemu-user (qemu-aarch64-static with the Debian arm64 libraries) against
// the same fixtures as the amd64 tests in build.test.ts and detect.test.ts.
// A handful of cases only: every start of the emulated Node takes about a second.
import { execFileSync } from 'node:child_process';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAUNCH_PLAN,
  listTree,
  makeArchive,
  makeBuildpack,
  makeWorkspace,
  REPO,
  requireBuiltBinary,
  runBuild,
  runDetect,
  serveFiles,
  tempDir,
  writePlan,
  type TestArchive,
} from './harness';

const ARM64_BIN = path.join(REPO, 'build', 'buildpack', 'linux', 'arm64', 'bin');
const ARM64_SEA = path.join(ARM64_BIN, 'livereload');
const SYSROOT = '/usr/aarch64-linux-gnu';
const ARM64 = { CNB_TARGET_ARCH: 'arm64' };
const EM_AARCH64 = 183;

function qemu(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v qemu-aarch64-static']).toString().trim();
  } catch {
    throw new Error('qemu-aarch64-static is missing: npm run provision installs qemu-user-static and the arm64 libraries');
  }
}

/** The ELF machine of a file: 62 is x86-64, 183 is AArch64. */
async function elfMachine(file: string): Promise<number> {
  const handle = await fs.open(file);
  try {
    const header = Buffer.alloc(20);
    await handle.read(header, 0, 20, 0);
    expect(header.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    return header.readUInt16LE(18);
  } finally {
    await handle.close();
  }
}

/**
 * A test buildpack (buildpack.toml with the test archives) whose bin/detect and
 * bin/build run the arm64 ones through qemu: argv0 stays .../bin/detect or
 * .../bin/build, so the executable picks its role as it does natively.
 */
async function arm64Buildpack(dir: string, deps: Parameters<typeof makeBuildpack>[1]): Promise<string> {
  const bp = await makeBuildpack(dir, deps);
  const emulator = qemu();
  for (const role of ['detect', 'build']) {
    await fs.rm(path.join(bp, 'bin', role));
    await fs.writeFile(path.join(bp, 'bin', role), `#!/bin/sh\nexec ${emulator} -L ${SYSROOT} ${path.join(ARM64_BIN, role)} "$@"\n`, { mode: 0o755 });
  }
  return bp;
}

describe('linux/arm64 bin/detect and bin/build under qemu-user', () => {
  let dir: string;
  let archives: TestArchive[];
  let server: Awaited<ReturnType<typeof serveFiles>>;
  let bp: string;

  beforeAll(async () => {
    requireBuiltBinary();
    if (!existsSync(ARM64_SEA)) throw new Error(`${ARM64_SEA} is missing: run npm run build`);
    if (!existsSync(path.join(SYSROOT, 'lib', 'ld-linux-aarch64.so.1'))) throw new Error(`${SYSROOT} lacks the arm64 C library: npm run provision installs libc6-arm64-cross`);
    expect(await elfMachine(ARM64_SEA)).toBe(EM_AARCH64);
    dir = await tempDir('arm64');
    archives = [await makeArchive(dir, '2.5.1', 'amd64'), await makeArchive(dir, '2.5.1', 'arm64')];
    server = await serveFiles(Object.fromEntries(archives.map((a) => [path.basename(a.file), a.file])));
    bp = await arm64Buildpack(dir, archives.map((a) => ({ ...a, uri: `${server.url}/${path.basename(a.file)}` })));
  });
  afterAll(async () => server?.close());

  async function enabledWorkspace(name: string, settings: Record<string, string> = {}) {
    const ws = await makeWorkspace(await tempDir(name), { BP_LIVE_RELOAD_ENABLED: 'true', ...settings });
    await writePlan(ws, LAUNCH_PLAN);
    await fs.writeFile(path.join(ws.app, 'Procfile'), 'web: python3 server.py --port 8080\n');
    return ws;
  }

  it('detect passes and requires watchexec for launch when enabled, and offers it otherwise', async () => {
    const on = await makeWorkspace(await tempDir('arm64-detect'), { BP_LIVE_RELOAD_ENABLED: 'yes' });
    const result = await runDetect(bp, on, ARM64);
    expect(result.exitCode, result.output).toBe(0);
    expect(parse(await fs.readFile(on.buildPlanPath, 'utf8'))).toEqual({
      provides: [{ name: 'watchexec' }],
      requires: [{ name: 'watchexec', metadata: { launch: true } }],
    });
    const off = await makeWorkspace(await tempDir('arm64-detect'));
    expect((await runDetect(bp, off, ARM64)).exitCode).toBe(0);
    expect(parse(await fs.readFile(off.buildPlanPath, 'utf8'))).toEqual({ provides: [{ name: 'watchexec' }], or: [{}] });
  });

  it('build installs the arm64 archive, copies itself as the sync helper, and writes the processes', async () => {
    const ws = await enabledWorkspace('arm64-build');
    const before = server.requests.length;
    const result = await runBuild(bp, ws, ARM64);
    expect(result.exitCode, result.output).toBe(0);
    expect(server.requests.slice(before)).toEqual(['/watchexec-2.5.1-aarch64-unknown-linux-musl.tar.xz']);
    expect(result.stdout).toContain('Selected watchexec 2.5.1 for linux/arm64');
    expect(result.stdout).toContain('Verifying checksum');
    expect(parse(await fs.readFile(path.join(ws.layers, 'watchexec.toml'), 'utf8'))).toMatchObject({
      metadata: { version: '2.5.1', checksum: `sha256:${archives[1]!.sha256}`, arch: 'arm64' },
    });
    const launch = parse(await fs.readFile(path.join(ws.layers, 'launch.toml'), 'utf8')) as { processes: Record<string, unknown>[] };
    expect(launch.processes.map((p) => [p.type, p.default])).toEqual([
      ['reload-web', true],
      ['web', false],
      ['tar', false],
      ['rm', false],
    ]);
    const helper = path.join(ws.layers, 'sync-helper', 'bin', 'livereload');
    const reload = launch.processes[0]!.command as string[];
    expect(reload[0]).toBe(path.join(ws.layers, 'watchexec', 'bin', 'watchexec'));
    expect(reload.slice(reload.indexOf('--'))).toEqual(['--', helper, 'gate', '--settle', '100ms', '--follow-up', '300ms', '--', 'python3', 'server.py', '--port', '8080']);
    // The helper the image runs is the arm64 executable itself, not the host's.
    expect((await fs.stat(helper)).size).toBe((await fs.stat(ARM64_SEA)).size);
    expect(await elfMachine(helper)).toBe(EM_AARCH64);
  });

  it('build reuses the layer on rebuild without downloading', async () => {
    const ws = await enabledWorkspace('arm64-rebuild');
    expect((await runBuild(bp, ws, ARM64)).exitCode).toBe(0);
    await fs.rm(path.join(ws.layers, 'watchexec'), { recursive: true });
    const before = server.requests.length;
    const result = await runBuild(bp, ws, ARM64);
    expect(result.exitCode, result.output).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(result.stdout).toContain(`Reusing cached layer ${path.join(ws.layers, 'watchexec')}`);
  });

  it('build fails with no layer left behind when the checksum does not match', async () => {
    const wrong = 'f'.repeat(64);
    const bad = await arm64Buildpack(await tempDir('arm64-mismatch'), [{ ...archives[1]!, sha256: wrong, uri: `${server.url}/${path.basename(archives[1]!.file)}` }]);
    const ws = await enabledWorkspace('arm64-mismatch');
    const result = await runBuild(bad, ws, ARM64);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(`expected sha256:${wrong}, got sha256:${archives[1]!.sha256}`);
    expect(await listTree(ws.layers)).toEqual([]);
  });

  it('build refuses an invalid setting naming it', async () => {
    const ws = await enabledWorkspace('arm64-bad', { BP_LIVE_RELOAD_STOP_SIGNAL: 'SIGFOO' });
    const result = await runBuild(bp, ws, ARM64);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('BP_LIVE_RELOAD_STOP_SIGNAL="SIGFOO" is not valid');
    expect(await listTree(ws.layers)).toEqual([]);
  });
});
