// For every process T an app declares: `reload-T`, the same command under
// watchexec, and T itself unchanged and not default.
import type { Process } from '../cnb/launch';
import { BuildpackError } from '../errors';

export const RELOAD_PREFIX = 'reload-';

/**
 * Chooses the default among the declared processes: one marked default wins,
 * else `web`, else the only process there is.
 */
export function defaultType(processes: readonly Process[]): string | undefined {
  const marked = processes.filter((p) => p.default);
  if (marked.length > 0) return marked[marked.length - 1]!.type; // the last default wins, as in the launcher
  if (processes.some((p) => p.type === 'web')) return 'web';
  return processes.length === 1 ? processes[0]!.type : undefined;
}

/** Refuses a declared `reload-T` next to `T`: it is the name this buildpack writes for T's reloadable process. */
export function checkReloadableTypes(processes: readonly Process[]): void {
  const declared = new Set(processes.map((p) => p.type));
  const clash = processes.find((p) => declared.has(`${RELOAD_PREFIX}${p.type}`));
  if (clash) {
    throw new BuildpackError(
      'plan',
      `process type "${RELOAD_PREFIX}${clash.type}" is declared by the app, but it is the name of the reloadable process this buildpack writes for "${clash.type}"; rename it`,
    );
  }
}

/**
 * `watchexec` is its argv up to (not including) `--`; `gate`, when given, is
 * put between `--` and the command (see sync/state.ts for why).
 */
export function reloadableProcesses(processes: readonly Process[], watchexec: readonly string[], gate: readonly string[] = []): Process[] {
  checkReloadableTypes(processes);
  const chosen = defaultType(processes);
  return processes.flatMap((p): Process[] => {
    const plain: Process = { ...p, default: false };
    const reload: Process = {
      ...p,
      type: `${RELOAD_PREFIX}${p.type}`,
      command: [...watchexec, '--', ...gate, ...p.command],
      default: p.type === chosen,
    };
    return [reload, plain];
  });
}
