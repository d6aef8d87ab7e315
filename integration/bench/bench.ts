// npm run bench: measures the live-reload loop and the buildpack's own cost on
// this machine, side by side with the alternatives, prints a table and
// rewrites BENCHMARKS.md. Timings are medians (with min/max) over repeated
// trials; comparisons are ratios taken within this one run.
//
//   node scripts/run-ts.mjs integration/bench/bench.ts [--trials N] [--quick]
import { execFileSync } from 'node:child_process';
import { promises as fs, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import {
  copyApp,
  createBuilder,
  DEPS_MOUNT,
  field,
  freePort,
  packBuild,
  provisioned,
  removeImage,
  REPO,
  startContainer,
  tempDir,
  testBuildpack,
  waitForResponse,
  type Container,
  type Provisioned,
} from '../e2e/harness';
import { generate } from '../binaries/sync-harness';
import { LAUNCH_PLAN, makeArchive, makeBuildpack, makeWorkspace, serveFiles, writePlan } from '../binaries/harness';
import { skaffoldSync, skaffoldSyncFiles, tiltSync, type Changes } from '../e2e/sync';
import { writeReport, type Report, type Row } from './report';
import { bytes, ms, ratio, summarize, type Summary } from './stats';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const trialsArg = args.indexOf('--trials');
const TRIALS = trialsArg >= 0 ? Number(args[trialsArg + 1]) : QUICK ? 5 : 30;
const PROCFILE_BP = path.join(REPO, 'integration', 'buildpacks', 'procfile');
/** Where the sync helper sits in an image this buildpack built. */
const SYNC_HELPER = '/layers/livereload_watchexec/sync-helper/bin/livereload';

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/** Builds a sample app image with this buildpack, live reload on. */
async function buildImage(p: Provisioned, bp: string, image: string, app: string, env: Record<string, string> = {}, runImage?: string): Promise<void> {
  const build = await packBuild(p, { image, app, buildpacks: [PROCFILE_BP, bp], env: { BP_LIVE_RELOAD_ENABLED: 'true', ...env }, ...(runImage ? { runImage } : {}) });
  if (build.exitCode !== 0) throw new Error(`pack build ${image} failed:\n${build.log}`);
}

async function goApp(version: string): Promise<string> {
  const out = await tempDir(`bench-go-${version}`);
  execFileSync('bash', [path.join(REPO, 'scripts', 'provision', 'build-go-app.sh'), version, out], { stdio: 'ignore' });
  return out;
}

interface Latency {
  reload: Summary;
  cold: Summary;
}

/**
 * Reload latency: from the start of a Skaffold-style sync to the first HTTP
 * response showing the new version. Cold start: from the start of a
 * `docker exec` of the plain process type to its first response, the same way.
 */
async function reloadLatency(image: string, sync: (c: Container, round: number) => Promise<void>, plainType = 'web'): Promise<Latency> {
  const c = await startContainer(image);
  try {
    await waitForResponse(c.port, (body) => field(body, 'version') !== undefined, 30_000);
    const reload: number[] = [];
    for (let round = 1; round <= TRIALS; round++) {
      const started = performance.now();
      await sync(c, round);
      await waitForResponse(c.port, (body) => field(body, 'version') === `b${round}`, 30_000, 2);
      reload.push(performance.now() - started);
      await sleep(400); // let the follow-up window close before the next sync
    }
    const cold: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const port = await freePort();
      const started = performance.now();
      await execa('docker', ['exec', '-d', '-e', `PORT=${port}`, c.id, `/cnb/process/${plainType}`]);
      await waitForResponse(port, (body) => field(body, 'version') !== undefined, 30_000, 2);
      cold.push(performance.now() - started);
    }
    return { reload: summarize(reload), cold: summarize(cold) };
  } finally {
    await c.remove();
  }
}

async function countStarts(c: Container, prefix: string): Promise<number> {
  return (await c.logs()).split('\n').filter((line) => line.startsWith(prefix)).length;
}

function files(round: number, count: number): Changes {
  const changes: Changes = { VERSION: `b${round}\n` };
  for (let i = 1; i < count; i++) changes[`src/m${i}.py`] = `# ${round}\nVALUE = ${i}\n`;
  return changes;
}

/** GNU time's wall seconds and peak RSS (KiB) of one run of a command. */
async function timeAndPeak(command: string, argv: string[], options: { cwd: string; env: Record<string, string> }): Promise<{ ms: number; peakKiB: number; exitCode: number }> {
  const r = await execa('/usr/bin/time', ['-f', '%e %M', command, ...argv], { ...options, extendEnv: false, reject: false });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [seconds, kib] = last.split(' ').map(Number);
  return { ms: (seconds ?? NaN) * 1000, peakKiB: kib ?? NaN, exitCode: r.exitCode ?? -1 };
}

async function main(): Promise<void> {
  const p = provisioned();
  const bp = await testBuildpack(p);
  const rows: Row[] = [];
  const notes: string[] = [];
  let startUp!: Report['startUp']; // set by section 4
  const started = performance.now();
  log(`==> trials per measurement: ${TRIALS}${QUICK ? ' (quick)' : ''}`);

  // 1. Reload latency, with the app's own cold start beside it.
  log('==> 1. reload latency');
  const pyApp = await copyApp('python-web');
  await buildImage(p, bp, 'lr-bench/python', pyApp);
  await buildImage(p, bp, 'lr-bench/python-nowindow', pyApp, { BP_LIVE_RELOAD_SYNC_WINDOW: '0' });
  await buildImage(p, bp, 'lr-bench/go-tiny', await goApp('v1'), {}, p.RUN_TINY);
  const pySync = async (c: Container, round: number) => void (await skaffoldSync(c, { VERSION: `b${round}\n` }));
  const goBinaries = new Map<number, string>();
  for (let round = 1; round <= TRIALS; round++) goBinaries.set(round, await goApp(`b${round}`));
  const goSync = async (c: Container, round: number) => void (await skaffoldSyncFiles(c, goBinaries.get(round)!, ['server']));

  const python = await reloadLatency('lr-bench/python', pySync);
  const pythonNoWindow = await reloadLatency('lr-bench/python-nowindow', pySync);
  const go = await reloadLatency('lr-bench/go-tiny', goSync);
  const latencyRow = (name: string, l: Latency, goal?: string): Row => ({
    section: '1. Reload latency (Skaffold-style sync to first new response)',
    name,
    p50: ms(l.reload.p50),
    p90: ms(l.reload.p90),
    min: ms(l.reload.min),
    max: ms(l.reload.max),
    extra: `cold start p50 ${ms(l.cold.p50)}; overhead ${ms(l.reload.p50 - l.cold.p50)}`,
    goal,
    met: goal === undefined ? undefined : l.reload.p50 < 300 && l.reload.p50 - l.cold.p50 < 100,
  });
  rows.push(latencyRow('Python, base image (default window 300ms)', python, 'p50 < 300 ms, overhead < 100 ms'));
  rows.push(latencyRow('Python, base image, BP_LIVE_RELOAD_SYNC_WINDOW=0', pythonNoWindow));
  rows.push(latencyRow('Go binary, tiny image (default window 300ms)', go));

  // 2. The alternatives, in the same run.
  log('==> 2. alternatives');
  const restart: number[] = [];
  {
    const c = await startContainer('lr-bench/python', { entrypoint: 'web' });
    await waitForResponse(c.port, (body) => field(body, 'version') !== undefined, 30_000);
    for (let i = 0; i < Math.min(TRIALS, 10); i++) {
      const t = performance.now();
      await execa('docker', ['restart', '-t', '10', c.id]);
      await waitForResponse(c.port, (body) => field(body, 'version') !== undefined, 30_000, 2);
      restart.push(performance.now() - t);
    }
    await c.remove();
  }
  const naive: number[] = [];
  {
    const app = await copyApp('python-web');
    let c: Container | undefined;
    for (let i = 1; i <= Math.min(TRIALS, 5); i++) {
      await fs.writeFile(path.join(app, 'VERSION'), `n${i}\n`);
      const t = performance.now();
      await buildImage(p, bp, 'lr-bench/naive', app);
      await c?.remove();
      c = await startContainer('lr-bench/naive');
      await waitForResponse(c.port, (body) => field(body, 'version') === `n${i}`, 60_000, 5);
      naive.push(performance.now() - t);
    }
    await c?.remove();
  }
  const restartS = summarize(restart);
  const naiveS = summarize(naive);
  const alt = (name: string, s: Summary): Row => ({
    section: '2. Alternatives (same change, same machine, same run)',
    name,
    p50: ms(s.p50),
    p90: ms(s.p90),
    min: ms(s.min),
    max: ms(s.max),
    extra: `${ratio(s.p50, python.reload.p50)} the live-reload p50`,
  });
  rows.push(alt('docker restart of the container', restartS));
  rows.push(alt('naive loop: pack build + new container', naiveS));

  // 3. Restarts per Tilt-style sync.
  log('==> 3. restarts per sync');
  for (const count of [1, 20, 200]) {
    const c = await startContainer('lr-bench/python');
    await waitForResponse(c.port, (body) => field(body, 'version') !== undefined, 30_000);
    const syncs = QUICK ? 3 : 10;
    for (let round = 1; round <= syncs; round++) {
      await tiltSync(c, files(round, count));
      await waitForResponse(c.port, (body) => field(body, 'version') === `b${round}`, 30_000);
    }
    await sleep(1500);
    const restarts = (await countStarts(c, 'python-web: version=')) - 1;
    rows.push({
      section: '3. Restarts per sync (Tilt-style, rm + tar)',
      name: `${count} file${count > 1 ? 's' : ''} per sync, ${syncs} syncs`,
      p50: `${(restarts / syncs).toFixed(2)} per sync`,
      extra: `${restarts} restarts in all`,
      goal: 'exactly 1 per sync',
      met: restarts === syncs,
    });
    await c.remove();
  }

  // 4. Sync helper throughput vs GNU tar, both through docker exec in the base image.
  log('==> 4. sync helper vs GNU tar');
  {
    const SECTION_4 = '4. Sync helper vs GNU tar (docker exec -i C tar xmf - -C / --no-same-owner)';
    const c = await startContainer('lr-bench/python', { entrypoint: 'web' });
    const payloads: [string, string, string[]][] = [];
    const one = await tempDir('tp-one');
    await fs.writeFile(path.join(one, 'one.txt'), 'x'.repeat(1024));
    payloads.push(['1 file (1 KiB)', one, ['one.txt']]);
    const many = await tempDir('tp-many');
    const names: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const name = `d${i % 10}/f${i}.txt`;
      await fs.mkdir(path.join(many, path.dirname(name)), { recursive: true });
      await fs.writeFile(path.join(many, name), `${i}\n`.repeat(64));
      names.push(name);
    }
    payloads.push(['1,000 small files', many, names]);
    const big = await tempDir('tp-big');
    await fs.writeFile(path.join(big, 'big.bin'), Buffer.alloc(50 * 1024 * 1024, 7));
    payloads.push(['one 50 MB file', big, ['big.bin']]);
    let n = 0;
    for (const [label, src, list] of payloads) {
      const ours: number[] = [];
      const gnu: number[] = [];
      for (let i = 0; i < Math.min(TRIALS, 10); i++) {
        for (const which of i % 2 === 0 ? ['ours', 'gnu'] : ['gnu', 'ours']) {
          const dest = `/tmp/bench-${which}-${n++}`;
          const stream = await generate(['skaffold', '-src', src, '-dest', dest, ...list]);
          const tool = which === 'ours' ? 'tar' : '/bin/tar';
          await c.exec(['/bin/mkdir', '-p', dest]);
          const t = await timed(() => c.exec([tool, 'xmf', '-', '-C', '/', '--no-same-owner'], { input: stream }));
          if (t.value.exitCode !== 0) throw new Error(`${tool} failed: ${t.value.stderr}`);
          (which === 'ours' ? ours : gnu).push(t.ms);
          await c.exec(['/bin/rm', '-rf', dest]);
        }
      }
      const o = summarize(ours);
      const g = summarize(gnu);
      rows.push({
        section: SECTION_4,
        name: label,
        p50: `${ms(o.p50)} vs ${ms(g.p50)}`,
        min: `${ms(o.min)} vs ${ms(g.min)}`,
        max: `${ms(o.max)} vs ${ms(g.max)}`,
        extra: `${ratio(o.p50, g.p50)} GNU tar`,
        goal: '<= 1.5x GNU tar',
        met: o.p50 <= 1.5 * g.p50,
      });
    }
    // The floor under the small syncs: a `docker exec` of a program that does nothing, and of the helper doing nothing
    // (no role: it prints its usage and exits 2), in the same container.
    const idle = async (cmd: string[]) => {
      const times: number[] = [];
      for (let i = 0; i < Math.min(TRIALS, 10); i++) times.push((await timed(() => c.exec(cmd))).ms);
      return summarize(times);
    };
    const execFloor = await idle(['/bin/true']);
    const helperIdle = await idle([SYNC_HELPER]);
    startUp = { execP50: execFloor.p50, helperIdleP50: helperIdle.p50 };
    for (const [name, x] of [['docker exec of /bin/true (the floor of any sync)', execFloor], ['docker exec of the helper doing nothing (Node start-up)', helperIdle]] as const) {
      rows.push({ section: SECTION_4, name, p50: ms(x.p50), p90: ms(x.p90), min: ms(x.min), max: ms(x.max) });
    }
    await c.remove();
  }

  // 5. The buildpack's own cost.
  log('==> 5. buildpack cost');
  {
    const dir = await tempDir('bench-bin');
    const archive = await makeArchive(dir, '2.5.1', 'amd64');
    const server = await serveFiles({ [path.basename(archive.file)]: archive.file });
    const bpDir = await makeBuildpack(dir, [{ ...archive, uri: `${server.url}/${path.basename(archive.file)}` }]);
    const env = (ws: Awaited<ReturnType<typeof makeWorkspace>>) => ({
      PATH: process.env.PATH ?? '',
      CNB_BUILDPACK_DIR: bpDir,
      CNB_PLATFORM_DIR: ws.platform,
      CNB_BUILD_PLAN_PATH: ws.buildPlanPath,
      CNB_BP_PLAN_PATH: ws.planPath,
      CNB_LAYERS_DIR: ws.layers,
      CNB_TARGET_OS: 'linux',
      CNB_TARGET_ARCH: 'amd64',
    });
    const detect: number[] = [];
    const detectPeak: number[] = [];
    const cold: number[] = [];
    const coldPeak: number[] = [];
    const warm: number[] = [];
    const warmPeak: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const ws = await makeWorkspace(await tempDir('bench-ws'), { BP_LIVE_RELOAD_ENABLED: 'true' });
      await writePlan(ws, LAUNCH_PLAN);
      await fs.writeFile(path.join(ws.app, 'Procfile'), 'web: python3 server.py\n');
      const d = await timeAndPeak(path.join(bpDir, 'bin', 'detect'), [], { cwd: ws.app, env: env(ws) });
      detect.push(d.ms);
      detectPeak.push(d.peakKiB);
      const b1 = await timeAndPeak(path.join(bpDir, 'bin', 'build'), [], { cwd: ws.app, env: env(ws) });
      if (b1.exitCode !== 0) throw new Error('cold build failed');
      cold.push(b1.ms);
      coldPeak.push(b1.peakKiB);
      // As the lifecycle restores launch-only layers: the tomls, no contents.
      await fs.rm(path.join(ws.layers, 'watchexec'), { recursive: true });
      await fs.rm(path.join(ws.layers, 'sync-helper'), { recursive: true });
      const b2 = await timeAndPeak(path.join(bpDir, 'bin', 'build'), [], { cwd: ws.app, env: env(ws) });
      if (b2.exitCode !== 0) throw new Error('warm build failed');
      warm.push(b2.ms);
      warmPeak.push(b2.peakKiB);
    }
    await server.close();
    const own = (name: string, t: number[], peak: number[], goal?: string, limit?: number): Row => {
      const s = summarize(t);
      return {
        section: "5. The buildpack's own cost",
        name,
        p50: ms(s.p50),
        p90: ms(s.p90),
        min: ms(s.min),
        max: ms(s.max),
        extra: `peak RSS p50 ${bytes(summarize(peak).p50 * 1024)}`,
        goal,
        met: limit === undefined ? undefined : s.p50 < limit,
      };
    };
    rows.push(own('bin/detect', detect, detectPeak, '< 100 ms', 100));
    rows.push(own('bin/build, cold (download from loopback, verify, extract, copy helper)', cold, coldPeak));
    rows.push(own('bin/build, warm (both layers reused)', warm, warmPeak, '< 300 ms', 300));

    // Whole pack builds. The fair comparison puts this buildpack in a builder (as users compose it): two builders
    // made here, with and without it in the group. The --buildpack form is measured too: there pack adds the
    // 110 MB buildpack to an ephemeral builder on every build.
    const bpVersion = /version = "([^"]+)"/.exec(await fs.readFile(path.join(bp, 'buildpack.toml'), 'utf8'))![1]!;
    const procfile = { uri: PROCFILE_BP, id: 'test/procfile', version: '0.0.1' };
    await createBuilder(p, 'lr-bench/builder-with', [procfile, { uri: bp, id: 'livereload/watchexec', version: bpVersion, optional: true }]);
    await createBuilder(p, 'lr-bench/builder-without', [procfile]);
    const packTimes = async (options: { builder?: string; buildpacks: string[]; env: Record<string, string> }, image: string) => {
      const out = { cold: [] as number[], warm: [] as number[] };
      for (let i = 0; i < (QUICK ? 2 : 5); i++) {
        await removeImage(image);
        const app = await copyApp('python-web');
        const c1 = await timed(() => packBuild(p, { image, app, ...options }));
        const c2 = await timed(() => packBuild(p, { image, app, ...options }));
        if (c1.value.exitCode !== 0 || c2.value.exitCode !== 0) throw new Error(`pack build failed:\n${c1.value.log}\n${c2.value.log}`);
        out.cold.push(c1.ms);
        out.warm.push(c2.ms);
      }
      return out;
    };
    const on = { BP_LIVE_RELOAD_ENABLED: 'true' };
    const without = await packTimes({ builder: 'lr-bench/builder-without', buildpacks: [], env: {} }, 'lr-bench/without');
    const inBuilder = await packTimes({ builder: 'lr-bench/builder-with', buildpacks: [], env: on }, 'lr-bench/with');
    const inBuilderOff = await packTimes({ builder: 'lr-bench/builder-with', buildpacks: [], env: {} }, 'lr-bench/with-off');
    const viaFlag = await packTimes({ buildpacks: [PROCFILE_BP, bp], env: on }, 'lr-bench/with-flag');
    const overhead = (name: string, measured: { cold: number[]; warm: number[] }, kind: 'cold' | 'warm', limit?: number): Row => {
      const a = summarize(measured[kind]);
      const b = summarize(without[kind]);
      return {
        section: "5. The buildpack's own cost",
        name: `pack build, ${kind}: ${name} vs without it`,
        p50: `${ms(a.p50)} vs ${ms(b.p50)}`,
        min: `${ms(a.min)} vs ${ms(b.min)}`,
        max: `${ms(a.max)} vs ${ms(b.max)}`,
        extra: `overhead ${ms(a.p50 - b.p50)}`,
        ...(limit === undefined ? {} : { goal: `overhead < ${ms(limit)}`, met: a.p50 - b.p50 < limit }),
      };
    };
    rows.push(overhead('in the builder, live reload on', inBuilder, 'cold', 1500));
    rows.push(overhead('in the builder, live reload on', inBuilder, 'warm', 500));
    rows.push(overhead('in the builder, live reload off (no-op)', inBuilderOff, 'cold'));
    rows.push(overhead('in the builder, live reload off (no-op)', inBuilderOff, 'warm'));
    rows.push(overhead('added with --buildpack, live reload on', viaFlag, 'cold'));
    rows.push(overhead('added with --buildpack, live reload on', viaFlag, 'warm'));
  }

  // 6. Sizes.
  log('==> 6. sizes');
  {
    // Online packages of the real buildpack.toml; the offline flavour of a copy whose only dependency is the locally
    // built watchexec (the upstream archives cannot be fetched here).
    const packages = await tempDir('bench-packages');
    const packageScript = path.join(REPO, 'scripts', 'package.ts');
    await execa('node', [path.join(REPO, 'scripts', 'run-ts.mjs'), packageScript, '--output', packages]);
    const offlineBp = path.join(await tempDir('bench-offline-bp'), 'buildpack');
    execFileSync('cp', ['-al', path.join(REPO, 'build', 'buildpack'), offlineBp]);
    await fs.rm(path.join(offlineBp, 'buildpack.toml'));
    await fs.copyFile(path.join(bp, 'buildpack.toml'), path.join(offlineBp, 'buildpack.toml'));
    const archiveDir = path.dirname(p.WATCHEXEC_ARCHIVE);
    const toml = await fs.readFile(path.join(offlineBp, 'buildpack.toml'), 'utf8');
    await fs.writeFile(path.join(offlineBp, 'buildpack.toml'), toml.replace(`file://${DEPS_MOUNT}/`, `file://${archiveDir}/`));
    await execa('node', [path.join(REPO, 'scripts', 'run-ts.mjs'), packageScript, '--offline', '--target', 'linux/amd64', '--buildpack', offlineBp, '--output', packages]);
    for (const file of (await fs.readdir(packages)).filter((f) => f.endsWith('.cnb')).sort()) {
      const note = file.includes('offline') ? ' (with the one local watchexec archive, 3 MB)' : '';
      rows.push({ section: '6. Sizes', name: `${file}${note}`, p50: bytes((await fs.stat(path.join(packages, file))).size) });
    }
    notes.push(
      'The offline package is measured with the locally built watchexec as its only dependency: the upstream release ' +
        'archives buildpack.toml lists cannot be fetched on this machine. A real offline package adds the three ' +
        'upstream archives of its architecture (2.5.1, 2.5.0, 2.4.1) to the online size.',
    );
    const du = await execa('docker', ['run', '--rm', '--network', 'none', '--entrypoint', '/cnb/lifecycle/launcher', 'lr-bench/python', '--', 'du', '-sb', '/layers/livereload_watchexec/watchexec', '/layers/livereload_watchexec/sync-helper']);
    for (const line of du.stdout.trim().split('\n')) {
      const [size, dir] = line.split('\t');
      rows.push({ section: '6. Sizes', name: `image layer ${path.basename(dir ?? '')}`, p50: bytes(Number(size)) });
    }
  }

  for (const image of ['python', 'python-nowindow', 'go-tiny', 'naive', 'with', 'with-off', 'with-flag', 'without', 'builder-with', 'builder-without']) {
    await removeImage(`lr-bench/${image}`);
  }

  const report: Report = {
    rows,
    notes,
    trials: TRIALS,
    quick: QUICK,
    durationMs: performance.now() - started,
    machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${bytes(os.totalmem())} RAM, ${os.type()} ${os.release()}`,
    versions: {
      node: execFileSync(path.join(REPO, '.cache', 'node', '24.21.0', 'amd64', 'node'), ['--version']).toString().trim() + ' (in the executable)',
      pack: execFileSync(p.PACK, ['--version']).toString().trim(),
      lifecycle: path.basename(p.LIFECYCLE_TGZ).replace(/^lifecycle-v|\+.*$/g, ''),
      watchexec: p.WATCHEXEC_VERSION,
      docker: execFileSync('docker', ['version', '--format', '{{.Server.Version}}']).toString().trim(),
    },
    python: { reloadP50: python.reload.p50, coldP50: python.cold.p50, noWindowP50: pythonNoWindow.reload.p50 },
    startUp,
  };
  await writeReport(report, path.join(REPO, 'BENCHMARKS.md'), log);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
