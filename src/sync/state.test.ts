import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSession, holdUntil, readSyncState, waitForQuiet, type LastSync } from './state';

const WINDOWS = { settleMs: 100, followUpMs: 300 };

describe('holdUntil', () => {
  it.each<[LastSync['form'], LastSync['kind'], number]>([
    ['tilt', 'delete', 1300], // Tilt copies right after it deletes
    ['tilt', 'copy', 1100],
    ['skaffold', 'copy', 1300], // Skaffold deletes right after it copies
    ['skaffold', 'delete', 1100],
    ['other', 'copy', 1100],
    ['other', 'delete', 1100],
  ])('after a %s %s that ended at 1000: %d', (form, kind, expected) => {
    expect(holdUntil({ endedAt: 1000, form, kind }, WINDOWS)).toBe(expected);
  });

  it('is 0 when no sync ever ran', () => {
    expect(holdUntil(undefined, WINDOWS)).toBe(0);
  });
});

async function stateDir(): Promise<string> {
  return path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'lr-state-')), 'state');
}

describe('fileSession and readSyncState', () => {
  it('shows a running sync between begin and end, then records how it ended', async () => {
    const dir = await stateDir();
    const session = fileSession(dir, () => 4242);
    expect(await readSyncState(dir)).toEqual({ running: 0, last: undefined });
    await session.begin('delete', 'tilt');
    expect((await readSyncState(dir)).running).toBe(1);
    await session.end();
    expect(await readSyncState(dir)).toEqual({ running: 0, last: { endedAt: 4242, kind: 'delete', form: 'tilt' } });
    expect((await fs.stat(dir)).mode & 0o7777).toBe(0o777);
  });

  it('records nothing for a session that never began', async () => {
    const dir = await stateDir();
    await fileSession(dir).end();
    expect(await readSyncState(dir)).toEqual({ running: 0, last: undefined });
  });

  it('ignores and clears the marker of a sync command that was killed', async () => {
    const dir = await stateDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await fs.mkdir(path.join(dir, 'active'), { recursive: true });
    const marker = path.join(dir, 'active', `${child.pid}.x`);
    await fs.writeFile(marker, '');
    expect((await readSyncState(dir)).running).toBe(1);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect((await readSyncState(dir)).running).toBe(0);
    await expect(fs.access(marker)).rejects.toThrow();
  });

  it('never fails the sync when the state directory cannot be written', async () => {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'lr-state-')), 'not-a-dir');
    await fs.writeFile(file, '');
    const session = fileSession(path.join(file, 'state'));
    await expect(session.begin('copy', 'tilt')).resolves.toBeUndefined();
    await expect(session.end()).resolves.toBeUndefined();
  });
});

describe('waitForQuiet', () => {
  it('returns at once when nothing ever synced', async () => {
    const sleeps: number[] = [];
    await waitForQuiet(await stateDir(), WINDOWS, { sleep: async (ms) => void sleeps.push(ms) });
    expect(sleeps).toEqual([]);
  });

  it('waits while a sync runs, then for the window after it', async () => {
    const dir = await stateDir();
    let clock = 0;
    const session = fileSession(dir, () => clock);
    await session.begin('delete', 'tilt');
    const sleeps: number[] = [];
    const waited = waitForQuiet(dir, WINDOWS, {
      now: () => clock,
      pollMs: 10,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
        if (clock === 30) await session.end(); // the sync ends at t=30
      },
    });
    await waited;
    // 3 polls while running, then the follow-up window (300 ms after t=30) in slices of at most 50 ms.
    expect(sleeps.slice(0, 3)).toEqual([10, 10, 10]);
    expect(clock).toBe(330);
  });
});
