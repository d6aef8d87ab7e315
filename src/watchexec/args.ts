// The watchexec command line, chosen by the installed version: flags that
// moved or changed their defaults between releases are always given explicitly.
import { lt, major } from 'semver';
import { BuildpackError } from '../errors';
import { formatDuration } from '../settings/parse';

export interface WatchOptions {
  watch: readonly string[];
  ignore: readonly string[];
  stopSignal: string;
  stopTimeoutMs: number;
  debounceMs: number;
  pollMs: number | undefined;
  vcsIgnore: boolean;
  /** Where ignore files are looked for; stops watchexec scanning parent directories. */
  projectOrigin: string;
}

/** --stop-signal, --stop-timeout and --poll arrived in 1.22; older releases are not supported. */
export const MINIMUM_WATCHEXEC = '1.22.0';

export function watchexecArgs(version: string, options: WatchOptions): string[] {
  if (lt(version, MINIMUM_WATCHEXEC)) {
    throw new BuildpackError('dependency', `watchexec ${version} is too old: this buildpack needs ${MINIMUM_WATCHEXEC} or newer`);
  }
  const args = ['--restart'];
  for (const p of options.watch) args.push('--watch', p);
  for (const glob of options.ignore) args.push('--ignore', glob);
  if (!options.vcsIgnore) args.push('--no-vcs-ignore');
  args.push('--project-origin', options.projectOrigin);
  // No shell: the command's argv is kept exactly, so shell-less images work.
  args.push('--shell', 'none');
  // 2.0 introduced process wrapping; pin the group so the stop signal reaches the app's children.
  if (major(version) >= 2) args.push('--wrap-process', 'group');
  // Defaults moved (stop timeout was 60s in 1.x, 10s in 2.x): always explicit.
  args.push('--stop-signal', options.stopSignal, '--stop-timeout', formatDuration(options.stopTimeoutMs));
  args.push('--debounce', formatDuration(options.debounceMs));
  if (options.pollMs !== undefined) args.push('--poll', formatDuration(options.pollMs));
  return args;
}
