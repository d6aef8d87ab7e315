// Parity with GNU tar: streams made by streamgen exactly as Tilt and Skaffold
// make them are extracted by /bin/tar and by our tar into two roots, as root
// (ours in-process) and as uid 1000 (ours in a child process); the trees, the
// exit codes and the messages must be the same.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_SESSION } from '../../src/sync/session';
import { makeTemp } from '../../src/sync/tar-fixture';
import { runTar } from '../../src/sync/tar-command';
import { expectSameTree, generate, goAvailable, hasSetpriv, isRoot, NON_ROOT, run, runOurs, tempNames, type Run } from './sync-harness';

const T = 1_650_000_000;
let work: string;
let src: string;

/** The app as a developer's checkout: every kind of entry the tools send. */
async function makeSource(): Promise<void> {
  const files: [string, string | Buffer, number][] = [
    ['src/main.js', 'console.log("v1")\n', 0o644],
    ['src/lib/util/deep/nested/file.txt', 'nested\n', 0o644],
    ['run.sh', '#!/bin/sh\necho hi\n', 0o755],
    ['empty.txt', '', 0o644],
    ['private/secret.txt', 'shh\n', 0o600],
    ['setuid-tool', '#!/bin/sh\n', 0o4755],
    ['ünïcödé-名前.txt', 'non-ascii name (PAX)\n', 0o644],
    [`${'a'.repeat(60)}/${'b'.repeat(60)}.txt`, 'long name that USTAR splits into prefix and name\n', 0o644],
    [`${'x'.repeat(120)}.txt`, 'long name only PAX can hold\n', 0o644],
    ['owned-by-1000.txt', 'host owner has a name the container knows\n', 0o664],
    ['big.bin', Buffer.alloc(5 * 1024 * 1024, 'the five megabyte file '), 0o644],
  ];
  for (const [name, content, mode] of files) {
    const file = path.join(src, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
    await fs.chmod(file, mode);
  }
  await fs.chmod(path.join(src, 'private'), 0o700);
  await fs.symlink('src/main.js', path.join(src, 'link-rel'));
  await fs.symlink('/etc/hostname', path.join(src, 'link-abs')); // Tilt sends it, Skaffold skips it
  if (isRoot) await fs.chown(path.join(src, 'owned-by-1000.txt'), 1000, 1000);
  // Sub-second mtimes: the tools round them to seconds.
  let t = T;
  for (const name of await fs.readdir(src, { recursive: true })) {
    await fs.lutimes(path.join(src, name), t, (t += 1.25));
  }
  await fs.utimes(src, T, T);
}

/** The second sync: main.js edited (new content, mode and mtime). */
async function editSource(): Promise<void> {
  const file = path.join(src, 'src/main.js');
  await fs.writeFile(file, 'console.log("v2, longer than before")\n');
  await fs.chmod(file, 0o640);
  await fs.utimes(file, T + 1000, T + 1000);
}

interface Scenario {
  tool: 'tilt' | 'skaffold';
  user: 'root' | 'uid 1000';
}

function tarArgs(tool: Scenario['tool'], root: string): string[] {
  return tool === 'tilt' ? ['-C', root, '-x', '-f', '-'] : ['xmf', '-', '-C', root, '--no-same-owner'];
}

async function ourTarInProcess(args: string[], stdin: Buffer): Promise<Run> {
  const collect = (into: Buffer[]): Writable => new Writable({ write: (chunk: Buffer, _e, done) => (into.push(chunk), done()) });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const code = await runTar(args, { stdin: Readable.from([stdin]), stdout: collect(out), stderr: collect(err) }, NO_SESSION);
  return { code, signal: null, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

async function extractBoth(scenario: Scenario, gnuRoot: string, ourRoot: string, stream: Buffer): Promise<{ gnu: Run; ours: Run }> {
  if (scenario.user === 'root') {
    const gnu = await run('tar', tarArgs(scenario.tool, gnuRoot), stream);
    return { gnu, ours: await ourTarInProcess(tarArgs(scenario.tool, ourRoot), stream) };
  }
  const options = { as: NON_ROOT, umask: 0o027 };
  const gnu = await run('tar', tarArgs(scenario.tool, gnuRoot), stream, options);
  return { gnu, ours: await runOurs('tar', tarArgs(scenario.tool, ourRoot), stream, options) };
}

const canRun = goAvailable() && isRoot && hasSetpriv();

describe.runIf(canRun)('parity with GNU tar on Tilt and Skaffold streams', () => {
  const streams = new Map<string, Buffer>();

  beforeAll(async () => {
    work = await makeTemp('parity');
    await fs.chmod(work, 0o755);
    src = path.join(work, 'src');
    await fs.mkdir(src);
    await makeSource();
    for (const tool of ['tilt', 'skaffold'] as const) streams.set(`${tool}-v1`, await generate([tool, '-src', src, '-dest', '/app', '.']));
    await editSource();
    for (const tool of ['tilt', 'skaffold'] as const) streams.set(`${tool}-v2`, await generate([tool, '-src', src, '-dest', '/app', 'src/main.js']));
  }, 120_000);

  afterAll(async () => {
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  it.each<Scenario>([
    { tool: 'tilt', user: 'root' },
    { tool: 'skaffold', user: 'root' },
    { tool: 'tilt', user: 'uid 1000' },
    { tool: 'skaffold', user: 'uid 1000' },
  ])('$tool stream as $user: same tree, exit code and messages, then the same after a second sync', async (scenario) => {
    const base = path.join(work, `${scenario.tool}-${scenario.user.replace(' ', '')}`);
    const gnuRoot = path.join(base, 'gnu');
    const ourRoot = path.join(base, 'ours');
    for (const root of [gnuRoot, ourRoot]) {
      await fs.mkdir(root, { recursive: true });
      if (scenario.user !== 'root') await fs.chown(root, NON_ROOT.uid, NON_ROOT.gid);
    }
    const started = Date.now();

    const first = await extractBoth(scenario, gnuRoot, ourRoot, streams.get(`${scenario.tool}-v1`)!);
    expect(first.ours).toEqual(first.gnu);
    expect(first.gnu.code).toBe(0);
    const tree = await expectSameTree(gnuRoot, ourRoot, started);

    // What GNU tar did is what the tools rely on: spot-check it, so that parity means something.
    expect(tree.get('app/big.bin')?.content).toBeDefined();
    expect(tree.has(`app/${'x'.repeat(120)}.txt`)).toBe(true);
    expect(tree.has('app/ünïcödé-名前.txt')).toBe(true);
    expect(tree.get('app/link-rel')).toMatchObject({ type: 'symlink', link: 'src/main.js' });
    expect(tree.has('app/link-abs')).toBe(scenario.tool === 'tilt');
    const restored = scenario.tool === 'tilt';
    expect(tree.get('app/run.sh')!.mtimeMs < started - 1000).toBe(restored);
    if (scenario.user === 'root') {
      expect(tree.get('app/setuid-tool')?.mode).toBe(0o4755);
      // GNU maps the archived owner NAME first: Tilt sends uid 0 with the host user's name.
      expect(tree.get('app/owned-by-1000.txt')?.uid).toBe(scenario.tool === 'tilt' ? 1000 : 0);
    } else {
      expect(tree.get('app/setuid-tool')?.mode).toBe(0o750);
      expect(tree.get('app/owned-by-1000.txt')).toMatchObject({ uid: 1000, mode: 0o640 });
    }

    const second = await extractBoth(scenario, gnuRoot, ourRoot, streams.get(`${scenario.tool}-v2`)!);
    expect(second.ours).toEqual(second.gnu);
    const after = await expectSameTree(gnuRoot, ourRoot, started);
    expect(Buffer.from(after.get('app/src/main.js')!.content!, 'base64').toString()).toContain('v2');
    expect(await tempNames(ourRoot)).toEqual([]);
  });

  it.each([
    { tool: 'tilt', layout: 'a root-owned, world-writable app directory' },
    { tool: 'skaffold', layout: 'a root-owned, world-writable app directory' },
    { tool: 'tilt', layout: 'a root-owned -C directory uid 1000 cannot write' },
    { tool: 'skaffold', layout: 'a root-owned -C directory uid 1000 cannot write' },
  ] as const)('$tool stream as uid 1000 into $layout: the same errors, exit code and tree as GNU tar', async ({ tool, layout }) => {
    const base = path.join(work, `denied-${tool}-${layout.length}`);
    const gnuRoot = path.join(base, 'gnu');
    const ourRoot = path.join(base, 'ours');
    for (const root of [gnuRoot, ourRoot]) {
      await fs.mkdir(path.join(root, 'app'), { recursive: true });
      await fs.chmod(path.join(root, 'app'), layout.includes('writable') ? 0o777 : 0o755);
    }
    const started = Date.now();
    const { gnu, ours } = await extractBoth({ tool, user: 'uid 1000' }, gnuRoot, ourRoot, streams.get(`${tool}-v1`)!);
    expect(ours).toEqual(gnu);
    expect(gnu.code).toBe(tool === 'skaffold' && layout.includes('writable') ? 0 : 2);
    await expectSameTree(gnuRoot, ourRoot, started);
  });
});
