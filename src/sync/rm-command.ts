// `rm` inside the app container: the command Tilt and Skaffold exec to delete
// synced files. GNU rm's messages and exit codes (1 when anything failed);
// unsupported command lines are handed over to a real rm when there is one.
import { handOver, type HandOverEnv } from './handover';
import { removeOperand } from './remove';
import { parseRmArgs, RM_USAGE } from './rm-args';
import type { CommandIO, SyncSession } from './session';

export async function runRm(args: readonly string[], io: CommandIO, session: SyncSession, env?: HandOverEnv): Promise<number> {
  const parsed = parseRmArgs(args);
  if (!parsed.ok) return handOver('rm', args, io, parsed.problem, RM_USAGE, env);
  const { request, form } = parsed;
  const problem = (message: string): void => {
    io.stderr.write(`rm: ${message}\n`);
  };
  if (request.paths.length === 0) {
    if (request.force) return 0;
    problem("missing operand\nTry 'rm --help' for more information.");
    return 1;
  }
  let begun = false;
  let started: Promise<void> | undefined;
  const beforeChange = (): Promise<void> =>
    (started ??= session.begin('delete', form).then(() => {
      begun = true;
    }));
  let ok = true;
  try {
    for (const operand of request.paths) {
      if (!(await removeOperand(operand, { recursive: request.recursive, force: request.force, beforeChange, problem }))) ok = false;
    }
  } finally {
    if (begun) await session.end();
  }
  return ok ? 0 : 1;
}
