// `rm` inside the app container: the command Tilt and Skaffold exec to delete
// synced files. GNU rm's messages and exit codes (1 when anything failed);
// unsupported command lines are handed over to a real rm when there is one.
import { describe } from '../errors';
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
  // The session only coordinates restarts: a failure there must not stop the removal.
  const beforeChange = (): Promise<void> =>
    (started ??= session.begin('delete', form).then(
      () => {
        begun = true;
      },
      (error: unknown) => problem(`warning: could not tell the live-reload session about this sync: ${describe(error)}`),
    ));
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
