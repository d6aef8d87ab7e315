import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAUNCH_PLAN,
  listTree,
  makeArchive,
  makeBuildpack,
  makeWorkspace,
  requireBuiltBinary,
  runBuild,
  SEA,
  serveFiles,
  tempDir,
  writePlan,
  type TestArchive,
} from './harness';

describe('bin/build (built SEA, run as the lifecycle runs it)', () => {
  let dir: string;
  let archives: TestArchive[];
  let server: Awaited<ReturnType<typeof serveFiles>>;
  let bpHttp: string;

  beforeAll(async () => {
    requireBuiltBinary();
    dir = await tempDir('build');
    archives = [
      await makeArchive(dir, '2.5.1', 'amd64'),
      await makeArchive(dir, '2.5.1', 'arm64'),
      await makeArchive(dir, '2.4.1', 'amd64', 'gz'),
    ];
    server = await serveFiles(Object.fromEntries(archives.map((a) => [path.basename(a.file), a.file])));
    bpHttp = await makeBuildpack(
      dir,
      archives.map((a) => ({ ...a, uri: `${server.url}/${path.basename(a.file)}` })),
    );
  });
  afterAll(async () => server?.close());

  async function enabledWorkspace(name: string, settings: Record<string, string> = {}) {
    const ws = await makeWorkspace(await tempDir(name), { BP_LIVE_RELOAD_ENABLED: 'true', ...settings });
    await writePlan(ws, LAUNCH_PLAN);
    await fs.writeFile(path.join(ws.app, 'Procfile'), 'web: python3 server.py --port 8080\n');
    return ws;
  }

  it('downloads, verifies and installs watchexec, and writes reload-web and web', async () => {
    const ws = await enabledWorkspace('first');
    const before = server.requests.length;
    const result = await runBuild(bpHttp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(server.requests.length - before).toBe(1);
    expect(result.stdout).toContain('Selected watchexec 2.5.1 for linux/amd64');
    expect(result.stdout).toContain(`Downloading ${server.url}/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz`);
    expect(result.stdout).toContain('Verifying checksum');

    const binary = path.join(ws.layers, 'watchexec', 'bin', 'watchexec');
    expect((await fs.stat(binary)).mode & 0o111).not.toBe(0);
    expect(await fs.readFile(binary, 'utf8')).toContain('watchexec 2.5.1');
    expect(parse(await fs.readFile(path.join(ws.layers, 'watchexec.toml'), 'utf8'))).toEqual({
      types: { launch: true, build: false, cache: false },
      metadata: {
        version: '2.5.1',
        checksum: `sha256:${archives[0]!.sha256}`,
        uri: `${server.url}/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz`,
        arch: 'amd64',
      },
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
    expect(reload[0]).toBe(binary);
    // watchexec runs the gate, which execs the app once a sync is over.
    expect(reload.slice(reload.indexOf('--'))).toEqual([
      '--', helper, 'gate', '--settle', '100ms', '--follow-up', '300ms', '--', 'python3', 'server.py', '--port', '8080',
    ]);
    // The helper's temp files never count as changes; the renamed targets do.
    expect(reload[reload.indexOf('**/.*.lrsync-*') - 1]).toBe('--ignore');
    expect(launch.processes[2]!.command).toEqual([helper, 'tar']);
    expect(launch.processes[3]!.command).toEqual([helper, 'rm']);
    expect((await fs.stat(helper)).size).toBe((await fs.stat(SEA)).size);
    expect(reload).toEqual(expect.arrayContaining(['--restart', '--watch', ws.app, '--shell', 'none', '--no-vcs-ignore']));
    expect(launch.processes[1]!.command).toEqual(['python3', 'server.py', '--port', '8080']);
    expect(result.stdout).toMatch(/reload-web \(default\): .*watchexec --restart .* -- python3 server.py --port 8080/);
    // Nothing but the layers, their tomls and SBOMs, and launch.toml.
    expect(await listTree(ws.layers)).toEqual([
      'launch.toml',
      'sync-helper',
      'sync-helper.sbom.cdx.json',
      'sync-helper.sbom.spdx.json',
      'sync-helper.sbom.syft.json',
      'sync-helper.toml',
      'sync-helper/bin',
      'sync-helper/bin/livereload',
      'watchexec',
      'watchexec.sbom.cdx.json',
      'watchexec.sbom.spdx.json',
      'watchexec.sbom.syft.json',
      'watchexec.toml',
      'watchexec/LICENSE',
      'watchexec/bin',
      'watchexec/bin/watchexec',
    ]);
  });

  it('reuses the layer on rebuild without downloading, even with the source gone', async () => {
    const ws = await enabledWorkspace('rebuild');
    expect((await runBuild(bpHttp, ws)).exitCode).toBe(0);
    // As the lifecycle does for launch-only layers: only the tomls come back.
    await fs.rm(path.join(ws.layers, 'watchexec'), { recursive: true });
    await fs.rm(path.join(ws.layers, 'sync-helper'), { recursive: true });
    await fs.rm(path.join(ws.layers, 'launch.toml'));
    const unreachable = await makeBuildpack(
      await tempDir('gone'),
      archives.map((a) => ({ ...a, uri: 'http://127.0.0.1:9/gone.tar.xz' })),
    );
    const result = await runBuild(unreachable, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain(`Reusing cached layer ${path.join(ws.layers, 'watchexec')}`);
    expect(result.stdout).toContain(`Reusing cached layer ${path.join(ws.layers, 'sync-helper')}`);
    expect(result.stdout).not.toContain('Downloading');
    expect(result.stdout).not.toContain('Installing');
    expect(existsSync(path.join(ws.layers, 'watchexec.toml'))).toBe(true);
    expect(existsSync(path.join(ws.layers, 'launch.toml'))).toBe(true);
  });

  it('downloads again when the restored layer names another checksum', async () => {
    const ws = await enabledWorkspace('changed');
    await fs.writeFile(path.join(ws.layers, 'watchexec.toml'), `[metadata]\nchecksum = "sha256:${'1'.repeat(64)}"\n`);
    const result = await runBuild(bpHttp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain('Downloading');
    expect(await fs.readFile(path.join(ws.layers, 'watchexec.toml'), 'utf8')).toContain(archives[0]!.sha256);
  });

  it('installs from a file:// URI', async () => {
    const bp = await makeBuildpack(await tempDir('file'), [{ ...archives[0]!, uri: pathToFileURL(archives[0]!.file).href }]);
    const ws = await enabledWorkspace('file');
    const result = await runBuild(bp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain(`Downloading file://${archives[0]!.file}`);
    expect(await fs.readFile(path.join(ws.layers, 'watchexec', 'bin', 'watchexec'), 'utf8')).toContain('2.5.1');
  });

  it('fails with no layer left behind when the checksum does not match', async () => {
    const wrong = 'f'.repeat(64);
    const bp = await makeBuildpack(await tempDir('mismatch'), [{ ...archives[0]!, sha256: wrong, uri: `${server.url}/${path.basename(archives[0]!.file)}` }]);
    const ws = await enabledWorkspace('mismatch');
    const result = await runBuild(bp, ws);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(`checksum mismatch for ${server.url}/${path.basename(archives[0]!.file)}`);
    expect(result.stderr).toContain(`expected sha256:${wrong}`);
    expect(result.stderr).toContain(`got sha256:${archives[0]!.sha256}`);
    expect(await listTree(ws.layers)).toEqual([]);
  });

  it('fails naming the URL on a 404, with no layer left behind', async () => {
    const bp = await makeBuildpack(await tempDir('404'), [{ ...archives[0]!, uri: `${server.url}/missing.tar.xz` }]);
    const ws = await enabledWorkspace('404');
    const result = await runBuild(bp, ws);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(`cannot download ${server.url}/missing.tar.xz: HTTP 404`);
    expect(await listTree(ws.layers)).toEqual([]);
  });

  it('honours BP_WATCHEXEC_VERSION and extracts .tar.gz', async () => {
    const ws = await enabledWorkspace('version', { BP_WATCHEXEC_VERSION: '2.4.*' });
    const result = await runBuild(bpHttp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain('Selected watchexec 2.4.1 for linux/amd64 (BP_WATCHEXEC_VERSION asks for 2.4.*)');
    expect(await fs.readFile(path.join(ws.layers, 'watchexec', 'bin', 'watchexec'), 'utf8')).toContain('2.4.1');
  });

  it('lists the versions available for the arch when none matches', async () => {
    const ws = await enabledWorkspace('nomatch', { BP_WATCHEXEC_VERSION: '~3.0' });
    const result = await runBuild(bpHttp, ws);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('no watchexec version satisfies ~3.0 (BP_WATCHEXEC_VERSION)');
    expect(result.stderr).toContain('versions available for linux/amd64: 2.5.1, 2.4.1');
    expect(await listTree(ws.layers)).toEqual([]);
  });

  it('picks the arm64 archive for CNB_TARGET_ARCH=arm64', async () => {
    const ws = await enabledWorkspace('arm64');
    const result = await runBuild(bpHttp, ws, { CNB_TARGET_ARCH: 'arm64' });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain('aarch64-unknown-linux-musl.tar.xz');
  });

  it('exits 0 quickly and writes nothing when the plan is empty', async () => {
    const ws = await makeWorkspace(await tempDir('empty'));
    await writePlan(ws, '');
    const result = await runBuild(bpHttp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain('Live reload is off');
    expect(await listTree(ws.layers)).toEqual([]);
  });

  it('serves a requirer that asks for watchexec at build time with a cached build layer', async () => {
    const ws = await makeWorkspace(await tempDir('buildlayer'));
    await writePlan(ws, '[[entries]]\nname = "watchexec"\n[entries.metadata]\nbuild = true\n');
    const result = await runBuild(bpHttp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(parse(await fs.readFile(path.join(ws.layers, 'watchexec.toml'), 'utf8'))).toMatchObject({
      types: { launch: false, build: true, cache: true },
    });
    expect(result.stdout).toContain('installed on the PATH for the buildpack that requires it');
    expect(existsSync(path.join(ws.layers, 'launch.toml'))).toBe(false);
  });

  it('writes reload-<type> for a process another buildpack passes in the plan', async () => {
    const ws = await makeWorkspace(await tempDir('planproc'));
    await writePlan(
      ws,
      `[[entries]]\nname = "watchexec"\n[entries.metadata]\nlaunch = true\n[entries.metadata.process]\ntype = "api"\ncommand = ["node", "api.js"]\nargs = ["--port", "9000"]\ndefault = true\n`,
    );
    const result = await runBuild(bpHttp, ws);
    expect(result.exitCode, result.output).toBe(0);
    const launch = parse(await fs.readFile(path.join(ws.layers, 'launch.toml'), 'utf8')) as { processes: Record<string, unknown>[] };
    expect(launch.processes.map((p) => [p.type, p.default, p.args])).toEqual([
      ['reload-api', true, ['--port', '9000']],
      ['api', false, ['--port', '9000']],
      ['tar', false, []],
      ['rm', false, []],
    ]);
  });

  it('leaves out the sync helper and the gate with BP_LIVE_RELOAD_SYNC_HELPER=false', async () => {
    const ws = await enabledWorkspace('nohelper', { BP_LIVE_RELOAD_SYNC_HELPER: 'false' });
    const result = await runBuild(bpHttp, ws);
    expect(result.exitCode, result.output).toBe(0);
    const launch = parse(await fs.readFile(path.join(ws.layers, 'launch.toml'), 'utf8')) as { processes: Record<string, unknown>[] };
    expect(launch.processes.map((p) => p.type)).toEqual(['reload-web', 'web']);
    const reload = launch.processes[0]!.command as string[];
    expect(reload.slice(reload.indexOf('--'))).toEqual(['--', 'python3', 'server.py', '--port', '8080']);
    expect(reload).not.toContain('**/.*.lrsync-*');
    expect(existsSync(path.join(ws.layers, 'sync-helper'))).toBe(false);
  });

  it.each([
    ['BP_LIVE_RELOAD_STOP_TIMEOUT', 'soon'],
    ['BP_LIVE_RELOAD_STOP_SIGNAL', 'SIGFOO'],
    ['BP_LIVE_RELOAD_DEBOUNCE', '-5ms'],
    ['BP_LIVE_RELOAD_COMMAND', 'python3 "server.py'],
    ['BP_WATCHEXEC_VERSION', 'latest-please'],
    ['BP_LIVE_RELOAD_POLL', 'often'],
    ['BP_LOG_LEVEL', 'LOUD'],
  ])('refuses %s=%s with a message naming it, before touching any layer', async (name, value) => {
    const ws = await enabledWorkspace('bad', { [name]: value });
    const result = await runBuild(bpHttp, ws);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${name}=${JSON.stringify(value)} is not valid`);
    expect(await listTree(ws.layers)).toEqual([]);
  });

  it('refuses a malformed Procfile naming the line', async () => {
    const ws = await enabledWorkspace('procfile');
    await fs.writeFile(path.join(ws.app, 'Procfile'), 'web: ok\nthis line has no colon\n');
    const result = await runBuild(bpHttp, ws);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Procfile line 2: expected "type: command"');
  });
});
