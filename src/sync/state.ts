// How one sync becomes one restart. Sync commands (our `tar` and `rm`) leave a
// marker in a state directory while they run, and record when and how they
// ended. The reloadable process runs `livereload gate -- <command>` under
// watchexec: each file event makes watchexec stop the app and start the gate,
// and the gate only execs the app once no sync command is running and the
// sync is over - not just one of its commands. Restarts that watchexec triggers
// mid-sync therefore only replace a waiting gate; the app starts once, after
// every file is in place.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SyncForm, SyncKind, SyncSession } from './session';

export const DEFAULT_STATE_DIR = '/tmp/.livereload-sync';
const ACTIVE = 'active';
const LAST = 'last-sync.json';

export interface LastSync {
  endedAt: number;
  kind: SyncKind;
  form: SyncForm;
}

export interface Windows {
  /** Wait after any sync command ends, so watchexec has dispatched its last events. */
  settleMs: number;
  /** Wait after a command that its tool usually follows with another: Tilt deletes then copies, Skaffold copies then deletes. */
  followUpMs: number;
}

/** How long after `last` ended the app must still wait. Pure, so it is tested directly. */
export function holdUntil(last: LastSync | undefined, windows: Windows): number {
  if (!last) return 0;
  const expectsFollowUp = (last.form === 'tilt' && last.kind === 'delete') || (last.form === 'skaffold' && last.kind === 'copy');
  return last.endedAt + (expectsFollowUp ? windows.followUpMs : windows.settleMs);
}

/** The session a sync command uses. It never fails the sync: coordination is best effort. */
export function fileSession(stateDir: string = DEFAULT_STATE_DIR, now: () => number = Date.now): SyncSession {
  let marker: string | undefined;
  let begun: { kind: SyncKind; form: SyncForm } | undefined;
  return {
    async begin(kind, form) {
      begun = { kind, form };
      try {
        const dir = path.join(stateDir, ACTIVE);
        await ensureSharedDir(stateDir);
        await ensureSharedDir(dir);
        marker = path.join(dir, `${process.pid}.${Math.random().toString(36).slice(2, 10)}`);
        await fs.writeFile(marker, '', { mode: 0o666 });
      } catch {
        marker = undefined; // e.g. a read-only /tmp: syncs still work, restarts are just not coalesced
      }
    },
    async end() {
      if (!begun) return;
      try {
        const last: LastSync = { endedAt: now(), ...begun };
        // Record the end before dropping the marker, so a gate never sees neither.
        const file = path.join(stateDir, LAST);
        const temp = `${file}.${process.pid}`;
        await fs.writeFile(temp, JSON.stringify(last), { mode: 0o666 });
        await fs.rename(temp, file);
      } catch {
        // best effort, as above
      }
      if (marker) await fs.rm(marker, { force: true });
    },
  };
}

/**
 * World-writable and NOT sticky: the sync user (docker exec -u root, say) and
 * the app user may differ, and each must be able to replace the other's record
 * and clear stale markers. It only ever holds these coordination files.
 */
async function ensureSharedDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { mode: 0o777 });
    await fs.chmod(dir, 0o777);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

export interface SyncState {
  /** Markers of sync commands whose process is still alive. */
  running: number;
  last: LastSync | undefined;
}

export async function readSyncState(stateDir: string): Promise<SyncState> {
  let running = 0;
  const dir = path.join(stateDir, ACTIVE);
  let names: string[] = [];
  try {
    names = await fs.readdir(dir);
  } catch {
    // no sync ever ran
  }
  for (const name of names) {
    const pid = Number(name.split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) running++;
    else await fs.rm(path.join(dir, name), { force: true }).catch(() => {}); // a killed sync command
  }
  let last: LastSync | undefined;
  try {
    last = JSON.parse(await fs.readFile(path.join(stateDir, LAST), 'utf8')) as LastSync;
  } catch {
    last = undefined;
  }
  return { running, last };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves once no sync command runs and the last one's window has passed. */
export async function waitForQuiet(
  stateDir: string,
  windows: Windows,
  options: { pollMs?: number; now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<void> {
  const pollMs = options.pollMs ?? 10;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (;;) {
    const state = await readSyncState(stateDir);
    if (state.running > 0) {
      await sleep(pollMs);
      continue;
    }
    const wait = holdUntil(state.last, windows) - now();
    if (wait <= 0) return;
    await sleep(Math.min(wait, 50));
  }
}
