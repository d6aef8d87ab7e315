// The interpreted sample app on the base run image (shell, tar, coreutils):
// built by the real pack and lifecycle, run by Docker, changed while it runs.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMetadata,
  copyApp,
  field,
  imageEntrypoint,
  lifecycleMetadata,
  packBuild,
  provisioned,
  removeImage,
  REPO,
  startContainer,
  testBuildpack,
  waitForResponse,
  type Container,
  type Provisioned,
} from './harness';
import { skaffoldSync, tiltSync } from './sync';

const IMAGE = 'lr-e2e/python-web';
const IMAGE_OFF = 'lr-e2e/python-web-off';
const IMAGE_VCS = 'lr-e2e/python-web-vcs-ignore';
const PROCFILE_BP = path.join(REPO, 'integration', 'buildpacks', 'procfile');

describe('python-web on the base run image', () => {
  let p: Provisioned;
  let bp: string;
  let app: string;
  let firstLog: string;
  const containers: Container[] = [];

  async function start(options: Parameters<typeof startContainer>[1] = {}): Promise<Container> {
    const c = await startContainer(IMAGE, options);
    containers.push(c);
    return c;
  }

  /** How many times the app process started, from its own start-up lines. */
  async function starts(c: Container): Promise<number> {
    return (await c.logs()).split('\n').filter((line) => line.startsWith('python-web: version=')).length;
  }

  beforeAll(async () => {
    p = provisioned();
    bp = await testBuildpack(p);
    app = await copyApp('python-web');
    // A git checkout that ignores VERSION, as synced build outputs usually are: changes to it must still reload.
    execFileSync('git', ['init', '-q', app]);
    await fs.writeFile(path.join(app, '.gitignore'), 'VERSION\n');
    const build = await packBuild(p, { image: IMAGE, app, buildpacks: [PROCFILE_BP, bp], env: { BP_LIVE_RELOAD_ENABLED: 'true' } });
    firstLog = build.log;
    expect(build.exitCode, build.log).toBe(0);
  });

  afterAll(async () => {
    for (const c of containers) await c.remove();
    await removeImage(IMAGE);
    await removeImage(IMAGE_OFF);
    await removeImage(IMAGE_VCS);
  });

  it('logs the version chosen and the processes written', () => {
    expect(firstLog).toContain(`Selected watchexec ${p.WATCHEXEC_VERSION} for linux/amd64`);
    expect(firstLog).toContain(`Downloading file:///deps/${path.basename(p.WATCHEXEC_ARCHIVE)}`);
    expect(firstLog).toContain('Verifying checksum');
    expect(firstLog).toMatch(/reload-web \(default\): \/layers\/livereload_watchexec\/watchexec\/bin\/watchexec --restart .* -- python3 server.py/);
    expect(firstLog).toMatch(/\bweb: +python3 server.py/);
  });

  it('makes reload-web the default process, keeps web, and adds tar and rm', () => {
    const types = buildMetadata(IMAGE).processes.map((proc) => proc.type);
    expect(types).toEqual(expect.arrayContaining(['reload-web', 'web', 'tar', 'rm']));
    expect(imageEntrypoint(IMAGE)).toEqual(['/cnb/process/reload-web']);
    const ours = lifecycleMetadata(IMAGE).buildpacks.find((b) => b.key === 'livereload/watchexec');
    expect(Object.keys(ours?.layers ?? {}).sort()).toEqual(['sync-helper', 'watchexec']);
    expect(ours?.layers?.watchexec?.launch).toBe(true);
    expect(ours?.layers?.watchexec?.data).toMatchObject({ version: p.WATCHEXEC_VERSION, checksum: `sha256:${p.WATCHEXEC_SHA256}` });
  });

  it('restarts the app after a Skaffold-style sync, though .gitignore lists the synced file', async () => {
    const c = await start();
    expect((await c.exec(['cat', '/workspace/.gitignore'])).stdout).toBe('VERSION');
    expect((await c.exec(['test', '-d', '/workspace/.git'])).exitCode).toBe(0);
    const before = await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    const sync = await skaffoldSync(c, { VERSION: 'v2\n' });
    expect(sync.exitCode, sync.stderr).toBe(0);
    const after = await waitForResponse(c.port, (body) => field(body, 'version') === 'v2', 15_000);
    expect(field(after.body, 'pid')).not.toBe(field(before.body, 'pid'));
    expect(await starts(c)).toBe(2);
  });

  it('restarts the app once after a Tilt-style sync with a delete', async () => {
    const c = await start();
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    expect((await tiltSync(c, { 'notes/todo.txt': 'x', VERSION: 'v2\n' })).exitCode).toBe(0);
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v2', 15_000);
    const sync = await tiltSync(c, { VERSION: 'v3\n' }, ['notes']);
    expect(sync.exitCode, sync.stderr).toBe(0);
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v3', 15_000);
    expect((await c.exec(['ls', '/workspace'])).stdout.split('\n')).not.toContain('notes');
    // Let any late restart show up before counting: one start plus one per sync.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await starts(c)).toBe(3);
  });

  it('ignores what .gitignore (with BP_LIVE_RELOAD_VCS_IGNORE=true) and BP_LIVE_RELOAD_IGNORE exclude, synced files included', async () => {
    const build = await packBuild(p, {
      image: IMAGE_VCS,
      app,
      buildpacks: [PROCFILE_BP, bp],
      env: { BP_LIVE_RELOAD_ENABLED: 'true', BP_LIVE_RELOAD_VCS_IGNORE: 'true', BP_LIVE_RELOAD_IGNORE: '*.log' },
    });
    expect(build.exitCode, build.log).toBe(0);
    const c = await startContainer(IMAGE_VCS);
    containers.push(c);
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    expect((await skaffoldSync(c, { VERSION: 'v2\n', 'notes.txt': 'tracked\n' })).exitCode).toBe(0);
    // notes.txt is not ignored: its change restarts the app, which then reads the new VERSION too.
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v2', 15_000);
    expect((await skaffoldSync(c, { VERSION: 'v3\n' })).exitCode).toBe(0);
    expect((await skaffoldSync(c, { 'debug.log': 'noise\n' })).exitCode).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(field((await waitForResponse(c.port, () => true)).body, 'version')).toBe('v2');
    expect(await starts(c)).toBe(2);
  });

  it('runs the plain web process without watchexec', async () => {
    const c = await start({ entrypoint: 'web' });
    const response = await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    expect(field(response.body, 'pid')).toBeDefined();
    const ps = await c.exec(['ps', '-eo', 'comm']);
    expect(ps.stdout).toContain('python3');
    expect(ps.stdout).not.toContain('watchexec');
  });

  it('passes docker stop to the app through watchexec and exits well within the stop timeout', async () => {
    const c = await start();
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    const started = performance.now();
    await execa('docker', ['stop', '-t', '10', c.id]);
    const stopMs = performance.now() - started;
    expect(await c.logs()).toContain('python-web: got signal 15, exiting');
    const state = await execa('docker', ['inspect', c.id, '--format', '{{.State.ExitCode}}']);
    expect(state.stdout.trim()).not.toBe('137'); // not killed by docker after the timeout
    expect(stopMs).toBeLessThan(10_000);
  });

  it('leaves no zombie process after 20 reloads', async () => {
    const c = await start();
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    for (let i = 1; i <= 20; i++) {
      expect((await skaffoldSync(c, { VERSION: `z${i}\n` })).exitCode).toBe(0);
      await waitForResponse(c.port, (body) => field(body, 'version') === `z${i}`, 15_000);
    }
    const ps = await c.exec(['ps', '-eo', 'stat=,comm=']);
    const zombies = ps.stdout.split('\n').filter((line) => line.trim().startsWith('Z'));
    expect(zombies).toEqual([]);
    expect(await starts(c)).toBe(21);
  });

  it('reuses both layers on rebuild, downloading nothing', async () => {
    const build = await packBuild(p, { image: IMAGE, app, buildpacks: [PROCFILE_BP, bp], env: { BP_LIVE_RELOAD_ENABLED: 'true' } });
    expect(build.exitCode, build.log).toBe(0);
    expect(build.log).toContain('Reusing cached layer /layers/livereload_watchexec/watchexec');
    expect(build.log).toContain('Reusing cached layer /layers/livereload_watchexec/sync-helper');
    expect(build.log).not.toContain('Downloading');
  });

  it('adds nothing without BP_LIVE_RELOAD_ENABLED: no layer, the app’s own processes', async () => {
    const build = await packBuild(p, { image: IMAGE_OFF, app, buildpacks: [PROCFILE_BP, bp] });
    expect(build.exitCode, build.log).toBe(0);
    expect(build.log).toContain('Live reload is off');
    expect(buildMetadata(IMAGE_OFF).processes.map((proc) => proc.type)).toEqual(['web']);
    const ours = lifecycleMetadata(IMAGE_OFF).buildpacks.find((b) => b.key === 'livereload/watchexec');
    expect(ours?.layers ?? {}).toEqual({});
  });
});
