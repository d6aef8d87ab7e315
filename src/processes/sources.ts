// Which processes to make reloadable, strongest source first: the plan
// (another buildpack delegating reload), BP_LIVE_RELOAD_COMMAND, the Procfile.
import type { Process } from '../cnb/launch';
import type { ProcfileProcess } from './procfile';

export type ProcessSourceKind = 'plan' | 'BP_LIVE_RELOAD_COMMAND' | 'Procfile' | 'none';

export interface ChosenProcesses {
  source: ProcessSourceKind;
  processes: Process[];
  /** Processes that run under `sh -c`, with the shell features that made it so. */
  needShell: { type: string; features: string[] }[];
}

export function chooseProcesses(input: {
  fromPlan: readonly Process[];
  /** Whether this build asked for live reload itself (BP_LIVE_RELOAD_ENABLED). */
  enabled: boolean;
  command: readonly string[] | undefined;
  procfile: readonly ProcfileProcess[] | undefined;
}): ChosenProcesses {
  if (input.fromPlan.length > 0) return { source: 'plan', processes: [...input.fromPlan], needShell: [] };
  // Without BP_LIVE_RELOAD_ENABLED a requirer only wants the binary; it writes its own processes.
  if (!input.enabled) return { source: 'none', processes: [], needShell: [] };
  if (input.command) {
    return { source: 'BP_LIVE_RELOAD_COMMAND', processes: [{ type: 'web', command: [...input.command], args: [], default: true }], needShell: [] };
  }
  if (input.procfile && input.procfile.length > 0) {
    return {
      source: 'Procfile',
      processes: input.procfile.map(({ shellFeatures: _, ...process }) => process),
      needShell: input.procfile.filter((p) => p.shellFeatures.length > 0).map((p) => ({ type: p.type, features: p.shellFeatures })),
    };
  }
  return { source: 'none', processes: [], needShell: [] };
}
