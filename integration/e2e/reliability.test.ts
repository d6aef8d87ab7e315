// Reliability of a live-reloadable container (python-faults on the base run
// image, built by the real pack and lifecycle): stopping, crashing apps, many
// reloads, and concurrent syncs through the image's own tar process.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyApp,
  field,
  packBuild,
  provisioned,
  removeImage,
  REPO,
  startContainer,
  tempDir,
  testBuildpack,
  waitForResponse,
  type Container,
} from './harness';
import { generate } from '../binaries/sync-harness';
import { skaffoldSync } from './sync';
import { PID1_GRACE_MS } from '../../src/watchexec/pid1';

const IMAGE = 'lr-e2e/reliability';
/** Long enough that a prompt stop on a busy machine never comes near it; short enough to keep the test quick. */
const STOP_TIMEOUT_S = 4;
/** docker stop's own grace period: far above the app's stop timeout, so a kill by docker would show. */
const DOCKER_STOP_S = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('reliability of a reloadable container (python-faults on the base run image)', () => {
  const containers: Container[] = [];
  let buildLog = '';

  /** Runs the image; `ready: false` for an app that never answers, `init` for `docker run --init`. */
  async function start(env: Record<string, string> = {}, { ready = true, init = false } = {}): Promise<Container> {
    const c = await startContainer(IMAGE, { env, init });
    containers.push(c);
    if (ready) await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    return c;
  }

  async function inspect(c: Container, format: string): Promise<string> {
    return (await execa('docker', ['inspect', '-f', format, c.id])).stdout.trim();
  }

  /** `docker stop` with a long grace period; how long it took, and the exit code. */
  async function stop(c: Container): Promise<{ ms: number; exitCode: number }> {
    const started = performance.now();
    await execa('docker', ['stop', '-t', String(DOCKER_STOP_S), c.id]);
    const ms = performance.now() - started;
    return { ms, exitCode: Number(await inspect(c, '{{.State.ExitCode}}')) };
  }

  /** CPU time the container's cgroup has used, in nanoseconds (cgroup v1 cpuacct or v2 cpu.stat). */
  async function cpuNanos(c: Container): Promise<number> {
    const v1 = '/sys/fs/cgroup/cpuacct/cpuacct.usage';
    const r = await c.exec(['sh', '-c', `if [ -r ${v1} ]; then echo ns $(cat ${v1}); else echo us $(sed -n 's/^usage_usec //p' /sys/fs/cgroup/cpu.stat); fi`]);
    const [unit, value] = r.stdout.trim().split(' ');
    expect(Number.isFinite(Number(value)), r.stdout + r.stderr).toBe(true);
    return Number(value) * (unit === 'us' ? 1000 : 1);
  }

  interface ProcessCensus {
    /** pid -> "comm state fds" for every process but the counting shell. */
    processes: Record<string, { comm: string; state: string; fds: number }>;
  }

  /** Every process in the container with its state and open descriptors, using shell builtins only. */
  async function census(c: Container): Promise<ProcessCensus> {
    const script = [
      'for d in /proc/[0-9]*; do',
      '  pid=${d#/proc/}; [ "$pid" = "$$" ] && continue',
      '  read -r line < "$d/stat" 2>/dev/null || continue',
      '  rest=${line##*) }; state=${rest%% *}; comm=${line#*(}; comm=${comm%%)*}',
      '  n=0; for f in "$d"/fd/*; do [ -L "$f" ] && n=$((n+1)); done',
      '  echo "$pid $state $n $comm"',
      'done',
    ].join('\n');
    const r = await c.exec(['sh', '-c', script]);
    expect(r.exitCode, r.stderr).toBe(0);
    const processes: ProcessCensus['processes'] = {};
    for (const line of r.stdout.trim().split('\n')) {
      const [pid, state, fds, ...comm] = line.split(' ');
      // Processes of this very `docker exec` (the shell and anything it forked) are not the container's own.
      if (comm.join(' ') === 'sh' && state !== 'Z') continue;
      processes[pid!] = { comm: comm.join(' '), state: state!, fds: Number(fds) };
    }
    return { processes };
  }

  beforeAll(async () => {
    const p = provisioned();
    const build = await packBuild(p, {
      image: IMAGE,
      app: await copyApp('python-faults'),
      buildpacks: [path.join(REPO, 'integration', 'buildpacks', 'procfile'), await testBuildpack(p)],
      env: { BP_LIVE_RELOAD_ENABLED: 'true', BP_LIVE_RELOAD_STOP_TIMEOUT: `${STOP_TIMEOUT_S}s` },
    });
    expect(build.exitCode, build.log).toBe(0);
    expect(build.log).toContain(`--stop-timeout ${STOP_TIMEOUT_S}s`);
    buildLog = build.log;
  });

  afterAll(async () => {
    for (const c of containers) await c.remove();
    await removeImage(IMAGE);
  });

  describe('stopping', () => {
    it('SIGTERM reaches the app and the container exits promptly, well within the stop timeout', async () => {
      const c = await start();
      const { ms, exitCode } = await stop(c);
      console.log(`docker stop of a well-behaved app: ${Math.round(ms)} ms, exit code ${exitCode}`);
      const logs = await c.logs();
      expect(logs).toContain('python-faults: got signal 15, exiting');
      expect(ms).toBeLessThan(STOP_TIMEOUT_S * 1000);
      expect(exitCode).not.toBe(137); // not killed by docker
    });

    it('an app that ignores SIGTERM is killed after BP_LIVE_RELOAD_STOP_TIMEOUT when the container has an init, long before docker would', async () => {
      const c = await start({ IGNORE_SIGTERM: '1' }, { init: true });
      const { ms } = await stop(c);
      console.log(`docker stop (--init) of an app ignoring SIGTERM: ${Math.round(ms)} ms (stop timeout ${STOP_TIMEOUT_S}s, docker's ${DOCKER_STOP_S}s)`);
      expect(await c.logs()).toContain('python-faults: got signal 15, ignoring it');
      expect(ms).toBeGreaterThanOrEqual(STOP_TIMEOUT_S * 1000);
      expect(ms).toBeLessThan((DOCKER_STOP_S * 1000) / 3);
    });

    it('as PID 1, watchexec kills an app ignoring SIGTERM after its fixed 2s grace, before the longer stop timeout (documented)', async () => {
      const c = await start({ IGNORE_SIGTERM: '1' });
      const { ms } = await stop(c);
      console.log(`docker stop (watchexec as PID 1) of an app ignoring SIGTERM: ${Math.round(ms)} ms (stop timeout ${STOP_TIMEOUT_S}s)`);
      expect(await c.logs()).toContain('python-faults: got signal 15, ignoring it');
      expect(ms).toBeGreaterThanOrEqual(PID1_GRACE_MS);
      expect(ms).toBeLessThan(STOP_TIMEOUT_S * 1000);
    });

    it('says so in the build log', () => {
      expect(buildLog).toContain('watchexec runs as PID 1, watchexec kills the app after 2s');
    });
  });

  describe('an app that crashes on start', () => {
    it('a container whose app has crashed stops at once: nothing is left to wait for', async () => {
      const c = await start({ CRASH_ON_START: '1' }, { ready: false });
      for (let i = 0; i < 100 && !(await c.logs()).includes('python-faults: crashing on start'); i++) await sleep(100);
      const { ms, exitCode } = await stop(c);
      expect(ms).toBeLessThan(STOP_TIMEOUT_S * 1000);
      expect(exitCode).not.toBe(137);
    });


    it('leaves the container up with watchexec waiting, without spinning, until the next sync brings it back', async () => {
      const c = await start({ CRASH_ON_START: '1' }, { ready: false });
      const crashed = async () => (await c.logs()).split('\n').filter((l) => l === 'python-faults: crashing on start').length;
      for (let i = 0; i < 100 && (await crashed()) === 0; i++) await sleep(100);
      expect(await crashed()).toBe(1);

      await sleep(1000);
      expect(await inspect(c, '{{.State.Running}}')).toBe('true');
      // Only watchexec (as PID 1 it forks itself: a reaper and the watcher): no app, no gate, no zombie.
      const waiting = await census(c);
      expect(Object.values(waiting.processes).map((p) => `${p.comm}:${p.state}`).filter((p) => !/^watchexec:[SR]$/.test(p))).toEqual([]);

      // CPU time of the whole container over 10 s of waiting: a small fraction of the wall time.
      const cpu0 = await cpuNanos(c);
      const wall0 = performance.now();
      await sleep(10_000);
      const used = (await cpuNanos(c)) - cpu0;
      const wallNanos = (performance.now() - wall0) * 1e6;
      console.log(`crashed app, watchexec waiting: CPU ${(used / 1e6).toFixed(1)} ms over ${(wallNanos / 1e6).toFixed(0)} ms (${((100 * used) / wallNanos).toFixed(2)}%)`);
      expect(used / wallNanos, `cpu ${used} ns over ${wallNanos} ns`).toBeLessThan(0.02);
      expect(await crashed()).toBe(1); // waited, did not retry in a loop
      expect(await inspect(c, '{{.State.Running}}')).toBe('true');

      const sync = await skaffoldSync(c, { VERSION: 'v2\n' });
      expect(sync.exitCode, sync.stderr).toBe(0);
      await waitForResponse(c.port, (body) => field(body, 'version') === 'v2', 15_000);
    });
  });

  describe('many reloads', () => {
    it('200 reloads in a row leave no zombie and no more processes or descriptors than before', async () => {
      const c = await start();
      await sleep(500);
      const before = await census(c);
      for (let round = 1; round <= 200; round++) {
        const sync = await skaffoldSync(c, { VERSION: `r${round}\n` });
        expect(sync.exitCode, sync.stderr).toBe(0);
        await waitForResponse(c.port, (body) => field(body, 'version') === `r${round}`, 15_000);
      }
      await sleep(1000);
      const after = await census(c);
      const summary = (x: ProcessCensus) => Object.values(x.processes).map((p) => `${p.comm}:${p.state}`).sort();
      expect(summary(after)).toEqual(summary(before));
      expect(Object.values(after.processes).filter((p) => p.state === 'Z')).toEqual([]);
      const fds = (x: ProcessCensus) => Object.values(x.processes).reduce((sum, p) => sum + p.fds, 0);
      expect(fds(after), JSON.stringify({ before, after })).toBeLessThanOrEqual(fds(before));
      // watchexec itself (the same processes throughout): the same descriptors.
      const watchexec = (x: ProcessCensus) => Object.entries(x.processes).filter(([, p]) => p.comm === 'watchexec');
      expect(watchexec(after)).toEqual(watchexec(before));
      expect(watchexec(before).length).toBeGreaterThan(0);
    });
  });

  describe('the sync helper under concurrent syncs', () => {
    it('20 concurrent syncs of the same files: every file is whole and from one sync, and no temp file is left', async () => {
      const c = await start();
      const FILES = 8;
      // Different lengths per sync (about 100-170 KB a file), so a mix of two syncs cannot pass for either.
      const content = (sync: number, file: number) =>
        Array.from({ length: 3000 + sync * 200 }, (_, line) => `sync=${sync} file=${file} line=${line}\n`).join('');
      const src = await tempDir('concurrent');
      const streams: Buffer[] = [];
      for (let i = 0; i < 20; i++) {
        const dir = path.join(src, `s${i}`);
        const names = Array.from({ length: FILES }, (_, f) => `data/f${f}.txt`);
        await fs.mkdir(path.join(dir, 'data'), { recursive: true });
        for (let f = 0; f < FILES; f++) await fs.writeFile(path.join(dir, names[f]!), content(i, f));
        streams.push(await generate(['skaffold', '-src', dir, '-dest', '/workspace', ...names]));
      }
      // All 20 `docker exec -i C tar xmf - -C / --no-same-owner` at once, as 20 Skaffold syncs racing.
      const spans: { start: number; end: number }[] = [];
      const results = await Promise.all(
        streams.map(async (input) => {
          const begin = performance.now();
          const r = await c.exec(['tar', 'xmf', '-', '-C', '/', '--no-same-owner'], { input });
          spans.push({ start: begin, end: performance.now() });
          return r;
        }),
      );
      await fs.rm(src, { recursive: true, force: true });
      for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
      expect(Math.max(...spans.map((x) => x.start)), 'the 20 syncs overlapped').toBeLessThan(Math.min(...spans.map((x) => x.end)));

      const owners: number[] = [];
      for (let f = 0; f < FILES; f++) {
        const got = (await c.exec(['cat', `/workspace/data/f${f}.txt`])).stdout + '\n';
        const owner = Number(/^sync=(\d+) /.exec(got)?.[1]);
        owners.push(owner);
        expect(got === content(owner, f), `f${f} is exactly sync ${owner}'s content (${got.length} bytes)`).toBe(true);
      }
      console.log(`concurrent syncs: files ended with the content of syncs ${owners.join(', ')}`);
      const leftovers = await c.exec(['find', '/workspace', '/tmp', '-name', '*.lrsync-*']);
      expect(leftovers.exitCode, leftovers.stderr).toBe(0);
      expect(leftovers.stdout.trim()).toBe('');
      // The app comes back after the storm.
      await waitForResponse(c.port, (body) => field(body, 'version') === 'v1', 15_000);
    });
  });
});
