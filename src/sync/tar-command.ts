// `tar` inside the app container: the command Tilt and Skaffold exec to copy
// files in. Parses the command line, hands unsupported ones over, extracts
// stdin into the -C directory and turns the outcome into GNU tar's exit codes
// (0, or 2 after any error) and messages.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe } from '../errors';
import { extractStream } from './extract';
import { handOver, type HandOverEnv } from './handover';
import { currentUmask } from './modes';
import type { Owners } from './owners';
import type { CommandIO, SyncSession } from './session';
import { onTermination } from './signals';
import { strerror } from './strerror';
import { parseTarArgs, TAR_USAGE } from './tar-args';
import { TempFiles } from './temp-files';

export interface TarEnv extends HandOverEnv {
  /** Effective uid: root restores owners and exact modes by default. */
  uid: number;
  umask: number;
  /** Test seam: where owner names are looked up. */
  owners?: Owners;
}

const FAILURE = 2;
/** After the end-of-archive blocks, how long to wait for the sender to close stdin. */
const DRAIN_MS = 1000;

export async function runTar(args: readonly string[], io: CommandIO, session: SyncSession, env?: TarEnv): Promise<number> {
  const parsed = parseTarArgs(args);
  if (!parsed.ok) return handOver('tar', args, io, parsed.problem, TAR_USAGE, env);
  const { request, form } = parsed;
  const uid = env?.uid ?? process.geteuid?.() ?? 0;
  const umask = env?.umask ?? currentUmask();
  const say = (message: string): void => {
    io.stderr.write(`tar: ${message}\n`);
  };

  let root = process.cwd();
  for (const dir of request.directories) root = path.resolve(root, dir);
  let realRoot: string;
  try {
    if (!(await fs.stat(root)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    realRoot = await fs.realpath(root);
  } catch (error) {
    say(`${request.directories.at(-1) ?? root}: Cannot open: ${strerror(error)}`);
    say('Error is not recoverable: exiting now');
    return FAILURE;
  }

  const temps = new TempFiles();
  const input = chunksOf(io.stdin);
  const termination = onTermination({
    interrupt: () => destroy(io.stdin),
    cleanupSync: () => temps.discardAllSync(),
  });
  let begun = false;
  try {
    const result = await extractStream(
      input,
      {
        root,
        realRoot,
        touch: request.touch,
        sameOwner: request.sameOwner ?? uid === 0,
        samePermissions: request.samePermissions ?? uid === 0,
        umask,
        ...(env?.owners ? { owners: env.owners } : {}),
      },
      {
        beforeFirstChange: async () => {
          // The session only coordinates restarts: a failure there must not lose the sync.
          try {
            await session.begin('copy', form);
            begun = true;
          } catch (error) {
            say(`warning: could not tell the live-reload session about this sync: ${describe(error)}`);
          }
        },
        listed: request.verbose ? (name) => io.stdout.write(`${name}\n`) : undefined,
        problem: say,
        signal: termination.signal,
      },
      temps,
    );
    if (result.aborted) {
      say(`interrupted by ${termination.received ?? 'a signal'}; temporary files removed`);
      return termination.exitCode ?? FAILURE;
    }
    if (result.fatal !== undefined) {
      say(result.fatal);
      say(result.entries === 0 && result.failures === 0 ? 'Exiting with failure status due to previous errors' : 'Error is not recoverable: exiting now');
      return FAILURE;
    }
    await drainBriefly(input, DRAIN_MS);
    if (result.failures > 0) {
      say('Exiting with failure status due to previous errors');
      return FAILURE;
    }
    return 0;
  } finally {
    termination.dispose();
    // Stop reading stdin; destroying it first settles a read still pending.
    destroy(io.stdin);
    await input.return(undefined).catch(() => undefined);
    if (begun) await session.end();
  }
}

/** stdin as Buffers; returning from it stops reading stdin. */
async function* chunksOf(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer, void, undefined> {
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/**
 * Reads what the sender still writes after the end-of-archive blocks (Go's
 * writer sends two, we stop at the first), so that it does not get EPIPE;
 * gives up after `ms` in case stdin is never closed.
 */
async function drainBriefly(input: AsyncGenerator<Buffer, void, undefined>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  try {
    for (;;) {
      const pending = input.next();
      pending.catch(() => undefined); // may settle after we gave up waiting
      const next = await Promise.race([pending, timeout]);
      if (next === 'timeout' || next.done) return;
    }
  } catch {
    // a broken stdin after a complete archive does not matter
  } finally {
    clearTimeout(timer);
  }
}

function destroy(stream: NodeJS.ReadableStream): void {
  const destroyable = stream as NodeJS.ReadableStream & { destroy?: () => void };
  destroyable.destroy?.();
}
