// `livereload gate [--state-dir D] [--settle T] [--follow-up T] -- command args...`
// Waits until syncs are over (see state.ts), then replaces itself with the
// command (execve), so the app gets watchexec's signals directly.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { parseDurationMs } from '../settings/parse';
import { DEFAULT_STATE_DIR, waitForQuiet, type Windows } from './state';

export interface GateArgs {
  stateDir: string;
  windows: Windows;
  command: string[];
}

const INHERITED_IGNORED = ['SIGPIPE', 'SIGXFSZ'] as const;

export const DEFAULT_WINDOWS: Windows = { settleMs: 100, followUpMs: 300 };

const USAGE = 'usage: livereload gate [--state-dir DIR] [--settle T] [--follow-up T] -- COMMAND [ARGS...]';
const OPTIONS = new Set(['--state-dir', '--settle', '--follow-up']);

export function parseGateArgs(args: readonly string[]): GateArgs | string {
  const parsed: GateArgs = { stateDir: DEFAULT_STATE_DIR, windows: { ...DEFAULT_WINDOWS }, command: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      parsed.command = args.slice(i + 1);
      break;
    }
    if (!OPTIONS.has(arg)) return `gate: unknown option ${JSON.stringify(arg)}; ${USAGE}`;
    const value = args[++i];
    if (value === undefined) return `gate: ${arg} needs a value; ${USAGE}`;
    try {
      if (arg === '--state-dir') parsed.stateDir = value;
      else if (arg === '--settle') parsed.windows.settleMs = parseDurationMs('--settle', value, 'ms', { minMs: 0, maxMs: 60_000 });
      else parsed.windows.followUpMs = parseDurationMs('--follow-up', value, 'ms', { minMs: 0, maxMs: 60_000 });
    } catch (error) {
      return `gate: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (parsed.command.length === 0) return `gate: no command after --; ${USAGE}`;
  return parsed;
}

/** execve needs a path: look the program up on PATH as a shell would. */
export function resolveProgram(program: string, pathEnv: string | undefined): string | undefined {
  const candidates = program.includes('/') ? [program] : (pathEnv ?? '').split(':').filter(Boolean).map((dir) => path.join(dir, program));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export async function runGate(args: readonly string[], stderr: NodeJS.WritableStream): Promise<number> {
  const parsed = parseGateArgs(args);
  if (typeof parsed === 'string') {
    stderr.write(`${parsed}\n`);
    return 2;
  }
  await waitForQuiet(parsed.stateDir, parsed.windows);
  const program = resolveProgram(parsed.command[0]!, process.env.PATH);
  if (!program) {
    stderr.write(`livereload gate: ${parsed.command[0]}: command not found on PATH\n`);
    return 127;
  }
  if (!process.execve) {
    stderr.write('livereload gate: this Node has no process.execve\n');
    return 1;
  }
  // Node ignores SIGPIPE and SIGXFSZ, and ignored signals stay ignored across execve: the app would inherit that
  // (a pipeline in `sh -c` would then see EPIPE errors instead of ending quietly). Caught signals are reset to their
  // defaults by execve, so catching them here hands the app the dispositions watchexec gave us.
  for (const signal of INHERITED_IGNORED) process.on(signal, () => {});
  process.execve(program, parsed.command, process.env as Record<string, string>);
  return 1; // not reached: execve replaced this process or threw
}
