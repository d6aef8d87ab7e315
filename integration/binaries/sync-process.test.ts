// Our tar and rm as separate processes: killed mid-stream they leave no temp
// file (and exit 128 + signal), and rm matches GNU rm as root and as uid 1000.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTemp, snapshot, tarEntry } from '../../src/sync/tar-fixture';
import { hasSetpriv, isRoot, NON_ROOT, oursCommand, run, runOurs, tempNames } from './sync-harness';

let dir: string;

beforeEach(async () => {
  dir = await makeTemp('process');
  await fs.chmod(dir, 0o755);
});

afterEach(async () => {
  await fs.chmod(path.join(dir, 'gnu/tree/ro'), 0o755).catch(() => undefined);
  await fs.chmod(path.join(dir, 'ours/tree/ro'), 0o755).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
});

describe('tar killed mid-stream', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('on %s removes the partial temp file, keeps complete files and exits %i', async (signal, code) => {
    const root = path.join(dir, 'root');
    await fs.mkdir(root);
    const [command, ...prefix] = await oursCommand('tar');
    const child = spawn(command!, [...prefix, '-C', root, '-x', '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    // The rest of the 2 MB write may still be pending when the child dies: that EPIPE is expected.
    child.stdin.on('error', () => undefined);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    const header = tarEntry({ name: 'app/big.bin', content: Buffer.alloc(20 * 1024 * 1024, 1) }).subarray(0, 512);
    child.stdin.write(Buffer.concat([tarEntry({ name: 'app/done.txt', content: 'complete' }), header, Buffer.alloc(2 * 1024 * 1024, 1)]));
    // Wait until the big file's temp file exists: the command is mid-stream.
    for (let i = 0; i < 200 && (await tempNames(root).catch(() => [])).length === 0; i++) await sleep(25);
    expect(await tempNames(root)).toHaveLength(1);
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(stderr).toContain(`tar: interrupted by ${signal}; temporary files removed`);
    expect([...(await snapshot(root)).keys()]).toEqual(['app', 'app/done.txt']);
  });
});

async function makeTree(base: string): Promise<void> {
  await fs.mkdir(path.join(base, 'tree/sub/deeper'), { recursive: true });
  await fs.mkdir(path.join(base, 'tree/ro'), { recursive: true });
  await fs.mkdir(path.join(base, 'target'), { recursive: true });
  for (const file of ['tree/sub/deeper/f', 'tree/g', 'tree/ro/locked', 'file', 'target/t']) await fs.writeFile(path.join(base, file), 'x');
  await fs.symlink('target', path.join(base, 'link'));
  await fs.symlink('file', path.join(base, 'flink'));
}

describe.runIf(isRoot && hasSetpriv())('rm parity with GNU rm', () => {
  const cases: string[][] = [
    ['-rf', 'tree', 'file'],
    ['-rf', '--', 'missing', 'link', 'flink'],
    ['-rf', 'link/'],
    ['-r', 'link/'],
    ['tree', 'file', 'missing'],
    ['-f', 'tree', 'missing'],
    ['-r', 'file/', 'file/x'],
    ['-rf', 'file/', 'file/x'],
    ['-rf', '.', './', 'tree/..', 'tree/sub/.'],
    ['-R', '--force', 'tree/sub', 'target/t'],
    ['--recursive', 'tree/ro'],
    [],
  ];

  for (const user of ['root', 'uid 1000'] as const) {
    it.each(cases.map((args) => [args.join(' '), args] as const))(`as ${user}: rm %s gives the same exit code, messages and tree`, async (_name, args) => {
      const gnu = path.join(dir, 'gnu');
      const ours = path.join(dir, 'ours');
      for (const base of [gnu, ours]) {
        await makeTree(base);
        if (user !== 'root') {
          await run('chown', ['-R', `${NON_ROOT.uid}:${NON_ROOT.gid}`, base], undefined);
          await fs.chmod(path.join(base, 'tree/ro'), 0o555); // a directory uid 1000 cannot empty
        }
      }
      const options = user === 'root' ? {} : { as: NON_ROOT };
      const gnuRun = await run('rm', [...args], undefined, { ...options, cwd: gnu });
      const ourRun = await runOurs('rm', [...args], undefined, { ...options, cwd: ours });
      expect(ourRun).toEqual(gnuRun);
      const [gnuTree, ourTree] = await Promise.all([snapshot(gnu, false), snapshot(ours, false)]);
      expect([...ourTree.keys()]).toEqual([...gnuTree.keys()]);
    });
  }
});
