// Parses the rm command lines we stand in for: -r/-R/-f (bundled or long) and
// `--`. Options may follow operands (GNU permutes argv); anything else is
// reported as unsupported, for hand-over.
import type { SyncForm } from './session';

export interface RmRequest {
  recursive: boolean;
  force: boolean;
  paths: string[];
}

export type RmParse = { ok: true; request: RmRequest; form: SyncForm } | { ok: false; problem: string };

export const RM_USAGE = [
  'this rm is the live-reload sync helper: it only removes files and trees, e.g.',
  '  rm -rf PATH...        (Tilt)',
  '  rm -rf -- PATH...     (Skaffold)',
  'options: -r/-R/--recursive, -f/--force, -- (end of options)',
].join('\n');

export function parseRmArgs(args: readonly string[]): RmParse {
  const request: RmRequest = { recursive: false, force: false, paths: [] };
  let options = true;
  for (const arg of args) {
    if (!options || arg === '-' || !arg.startsWith('-')) {
      request.paths.push(arg);
    } else if (arg === '--') {
      options = false;
    } else if (arg === '--recursive') {
      request.recursive = true;
    } else if (arg === '--force') {
      request.force = true;
    } else if (arg.startsWith('--')) {
      return { ok: false, problem: `unsupported option "${arg}"` };
    } else {
      for (const letter of arg.slice(1)) {
        if (letter === 'r' || letter === 'R') request.recursive = true;
        else if (letter === 'f') request.force = true;
        else return { ok: false, problem: `unsupported option '-${letter}'` };
      }
    }
  }
  return { ok: true, request, form: rmForm(args) };
}

/** Tilt: `rm -rf PATHS` (absolute paths, no `--`); Skaffold: `rm -rf -- PATHS`. */
export function rmForm(args: readonly string[]): SyncForm {
  if (args[0] !== '-rf' || args.length < 2) return 'other';
  if (args[1] === '--') return args.length > 2 && !args.slice(2).includes('--') ? 'skaffold' : 'other';
  return args.slice(1).every((arg) => !arg.startsWith('-')) ? 'tilt' : 'other';
}
