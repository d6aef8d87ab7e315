// When our tar or rm is asked for something it does not do, the image may
// still have the real tool further down PATH: hand the command over to it
// unchanged. "Real" means any executable that is not this very binary (we are
// often installed as a symlink or copy named tar).
import { spawn, type StdioOptions } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { constants as osConstants } from 'node:os';
import type { CommandIO } from './session';

function identity(file: string): { real: string; key: string } | undefined {
  try {
    const info = statSync(file);
    return { real: realpathSync(file), key: `${info.dev}:${info.ino}` };
  } catch {
    return undefined;
  }
}

/** The first executable `name` on `pathEnv` that is not our own binary `self`. */
export function findRealTool(name: 'tar' | 'rm', pathEnv: string, self: string): string | undefined {
  const own = identity(self);
  for (const dir of pathEnv.split(':')) {
    const candidate = path.join(dir === '' ? '.' : dir, name);
    const found = identity(candidate);
    if (!found) continue;
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    if (own && (found.real === own.real || found.key === own.key)) continue;
    return path.isAbsolute(candidate) ? candidate : path.resolve(candidate);
  }
  return undefined;
}

/** Set in the environment of a tool we hand a command to. */
export const HANDED_OVER = 'LIVERELOAD_SYNC_HANDED_OVER';

function isProcessStream(stream: unknown, fd: 0 | 1 | 2): boolean {
  return stream === [process.stdin, process.stdout, process.stderr][fd];
}

/**
 * Runs `file` with `args`, wired to `io` (the process's own streams are
 * inherited, others piped), and resolves to its exit code (128 + signal
 * number when it was killed, like a shell).
 */
export function runRealTool(file: string, args: readonly string[], io: CommandIO): Promise<number> {
  const stdio: StdioOptions = [
    isProcessStream(io.stdin, 0) ? 'inherit' : 'pipe',
    isProcessStream(io.stdout, 1) ? 'inherit' : 'pipe',
    isProcessStream(io.stderr, 2) ? 'inherit' : 'pipe',
  ];
  return new Promise((resolve) => {
    const child = spawn(file, [...args], { stdio, env: { ...process.env, [HANDED_OVER]: '1' } });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // the tool may exit without reading everything
      io.stdin.pipe(child.stdin);
    }
    child.stdout?.pipe(io.stdout, { end: false });
    child.stderr?.pipe(io.stderr, { end: false });
    child.on('error', (error) => {
      io.stderr.write(`${path.basename(file)}: cannot run ${file}: ${error.message}\n`);
      resolve(126);
    });
    child.on('close', (code, signal) => {
      if (child.stdin) io.stdin.unpipe(child.stdin);
      resolve(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0));
    });
  });
}

export interface HandOverEnv {
  /** PATH to search (default: process.env.PATH). */
  path?: string;
  /** Our own binary (default: process.execPath). */
  self?: string;
}

/**
 * Hands an unsupported command line to the real tool, or explains what we
 * support and returns 2 when there is none.
 */
export async function handOver(name: 'tar' | 'rm', args: readonly string[], io: CommandIO, problem: string, usage: string, env: HandOverEnv = {}): Promise<number> {
  // A copy of our binary further down PATH would hand the command back forever: hand over once only.
  const real = process.env[HANDED_OVER] === '1' ? undefined : findRealTool(name, env.path ?? process.env.PATH ?? '', env.self ?? process.execPath);
  if (real !== undefined) return runRealTool(real, args, io);
  io.stderr.write(`${name}: ${problem}\n${usage.replace(/^/gm, `${name}: `)}\n${name}: no other ${name} was found on PATH to hand this command to\n`);
  return 2;
}
