// launch.toml for a live-reload build: for every process T, `reload-T`
// (watchexec, then the restart gate, then T's command) and T itself; plus the
// `tar` and `rm` process types that Tilt and Skaffold reach through exec.
import path from 'node:path';
import { renderLaunchToml, type Process } from '../cnb/launch';
import { writeFileAtomic } from '../cnb/toml-file';
import type { Logger } from '../log/logger';
import { reloadableProcesses } from '../processes/reloadable';
import type { ChosenProcesses } from '../processes/sources';
import { formatDuration } from '../settings/parse';
import type { Settings } from '../settings/settings';
import { TEMP_MARKER } from '../sync/temp-files';
import { watchexecArgs, type WatchOptions } from '../watchexec/args';
import { pid1GraceNote } from '../watchexec/pid1';

/** The sync commands Tilt and Skaffold exec, as process types so exec finds them without a shell. */
const SYNC_COMMANDS = ['tar', 'rm'] as const;

// After a sync command ends, watchexec still needs its debounce period (plus
// event delivery) to dispatch the last events; the gate waits that long.
const SETTLE_MARGIN_MS = 50;

export async function writeLaunchProcesses(input: {
  layersDir: string;
  appDir: string;
  chosen: ChosenProcesses;
  settings: Settings;
  watchexec: { binary: string; version: string };
  /** The sync helper executable in the image, when the helper layer is there. */
  helper: string | undefined;
  log: Logger;
}): Promise<void> {
  const { settings, helper, log } = input;
  const watchexec = [input.watchexec.binary, ...watchexecArgs(input.watchexec.version, watchOptions(settings, input.appDir, helper !== undefined))];
  const gate = helper
    ? [helper, 'gate', '--settle', formatDuration(settings.debounceMs + SETTLE_MARGIN_MS), '--follow-up', formatDuration(settings.syncWindowMs), '--']
    : [];
  const processes = reloadableProcesses(input.chosen.processes, watchexec, gate);
  if (helper) processes.push(...syncProcesses(helper, processes, log));
  await writeFileAtomic(path.join(input.layersDir, 'launch.toml'), renderLaunchToml(processes));
  logProcesses(log, processes, input.chosen.source);
  for (const { type, features } of input.chosen.needShell) {
    log.subprocess(`Note: "${type}" uses ${features.join(', ')}, so it runs under sh -c: the run image needs a shell for it`);
  }
  const stopNote = pid1GraceNote(settings.stopTimeoutMs);
  if (stopNote) log.subprocess(stopNote);
}

function syncProcesses(helper: string, existing: readonly Process[], log: Logger): Process[] {
  return SYNC_COMMANDS.flatMap((type): Process[] => {
    if (existing.some((p) => p.type === type)) {
      log.subprocess(`Warning: the app declares a "${type}" process, so syncs by Tilt or Skaffold will run it instead of the sync helper`);
      return [];
    }
    return [{ type, command: [helper, type], args: [], default: false }];
  });
}

/**
 * The helper writes `.<name>.lrsync-<random>` beside each target and renames it into place. Those temp names must
 * not count as changes: if they did, a synced file that BP_LIVE_RELOAD_IGNORE or .gitignore excludes would still
 * restart the app through its temp file. The rename still reports the target's own name, which the rules then judge.
 */
export const HELPER_TEMP_GLOB = `**/.*${TEMP_MARKER}*`;

function watchOptions(settings: Settings, appDir: string, withHelper: boolean): WatchOptions {
  return {
    watch: settings.watch,
    ignore: withHelper ? [...settings.ignore, HELPER_TEMP_GLOB] : settings.ignore,
    stopSignal: settings.stopSignal,
    stopTimeoutMs: settings.stopTimeoutMs,
    debounceMs: settings.debounceMs,
    pollMs: settings.pollMs,
    vcsIgnore: settings.vcsIgnore,
    projectOrigin: appDir,
  };
}

function logProcesses(log: Logger, processes: readonly Process[], source: string): void {
  log.process(`Assigning launch processes (from ${source}):`);
  const width = Math.max(...processes.map((p) => label(p).length));
  for (const p of processes) {
    const argv = [...p.command, ...p.args].map(quoteForLog).join(' ');
    log.subprocess(`${`${label(p)}:`.padEnd(width + 1)} ${argv}`);
  }
}

function label(p: Process): string {
  return p.default ? `${p.type} (default)` : p.type;
}

function quoteForLog(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
