// The restart gate as watchexec runs it: the built executable, `livereload gate -- <command>`.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltBinary, SEA, tempDir } from './harness';

describe('livereload gate (built SEA)', () => {
  beforeAll(() => requireBuiltBinary());

  it('replaces itself with the command (same pid) and hands it default signal dispositions', async () => {
    const state = await tempDir('gate-state');
    const child = execa(SEA, ['gate', '--state-dir', state, '--', 'sh', '-c', 'echo $$; grep -E "^Sig(Blk|Ign):" /proc/self/status']);
    const { stdout } = await child;
    const [pid, ...masks] = stdout.trim().split('\n');
    expect(Number(pid)).toBe(child.pid);
    // Node ignores SIGPIPE and SIGXFSZ; the app must not inherit that, nor any blocked signal.
    expect(masks).toEqual(['SigBlk:\t0000000000000000', 'SigIgn:\t0000000000000000']);
  });

  it('waits while a sync command runs and for the follow-up window after it, then starts the command', async () => {
    const state = await tempDir('gate-state');
    const syncing = spawn('sleep', ['30']);
    await fs.mkdir(path.join(state, 'active'), { recursive: true });
    const marker = path.join(state, 'active', `${syncing.pid}.test`);
    await fs.writeFile(marker, '');
    const out = path.join(await tempDir('gate-out'), 'started');
    const gate = execa(SEA, ['gate', '--state-dir', state, '--settle', '0', '--follow-up', '400ms', '--', 'sh', '-c', `date +%s%3N > ${out}`]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(fs.access(out)).rejects.toThrow(); // still waiting for the sync
    // The sync ends: a Tilt delete, which Tilt follows with a copy, so the gate keeps waiting for the window.
    const endedAt = Date.now();
    await fs.writeFile(path.join(state, 'last-sync.json'), JSON.stringify({ endedAt, kind: 'delete', form: 'tilt' }));
    await fs.rm(marker);
    syncing.kill();
    await gate;
    const startedAt = Number((await fs.readFile(out, 'utf8')).trim());
    expect(startedAt - endedAt).toBeGreaterThanOrEqual(400);
  });

  it('explains a bad command line and exits 2', async () => {
    const result = await execa(SEA, ['gate', 'python3'], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('usage: livereload gate');
  });

  it('exits 127 when the command is not on PATH', async () => {
    const result = await execa(SEA, ['gate', '--state-dir', await tempDir('gate-state'), '--', 'no-such-program'], { reject: false });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('no-such-program: command not found');
  });
});
