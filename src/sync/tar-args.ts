// Parses the tar command lines we stand in for: extraction from stdin, in
// GNU tar's three option styles (old-style bundled first word, short clusters,
// long options). Anything else is reported as unsupported, for hand-over.
import type { SyncForm } from './session';

export interface TarRequest {
  /** -C arguments in order; each is relative to the previous one, like GNU tar. */
  directories: string[];
  /** -m / --touch */
  touch: boolean;
  /** --same-owner / --no-same-owner; undefined = the default (root only). */
  sameOwner: boolean | undefined;
  /** -p / --no-same-permissions; undefined = the default (root only). */
  samePermissions: boolean | undefined;
  verbose: boolean;
}

export type TarParse = { ok: true; request: TarRequest; form: SyncForm } | { ok: false; problem: string };

export const TAR_USAGE = [
  'this tar is the live-reload sync helper: it only extracts an archive from stdin, e.g.',
  '  tar -C DIR -x -f -                     (Tilt)',
  '  tar xmf - -C DIR --no-same-owner       (Skaffold)',
  'options: -x/--extract/--get, -f -/--file=-, -C DIR/--directory=DIR, -m/--touch,',
  '  -p/--same-permissions/--preserve-permissions, --no-same-permissions,',
  '  --same-owner, --no-same-owner, -v/--verbose',
].join('\n');

/** Letters of short options we support, and whether each takes an argument. */
const SHORT: Readonly<Record<string, boolean>> = { x: false, f: true, C: true, m: false, p: false, v: false };

const LONG_FLAGS: ReadonlySet<string> = new Set([
  'extract',
  'get',
  'touch',
  'no-same-owner',
  'same-owner',
  'no-same-permissions',
  'same-permissions',
  'preserve-permissions',
  'verbose',
]);
const LONG_WITH_ARGUMENT: Readonly<Record<string, string>> = { file: 'f', directory: 'C' };

export function parseTarArgs(args: readonly string[]): TarParse {
  const request: TarRequest = { directories: [], touch: false, sameOwner: undefined, samePermissions: undefined, verbose: false };
  let extract = false;
  const files: string[] = [];
  let verbosity = 0;
  let problem: string | undefined;

  const apply = (option: string, value?: string): void => {
    switch (option) {
      case 'x':
      case 'extract':
      case 'get':
        extract = true;
        break;
      case 'f':
        files.push(value!);
        break;
      case 'C':
        request.directories.push(value!);
        break;
      case 'm':
      case 'touch':
        request.touch = true;
        break;
      case 'p':
      case 'same-permissions':
      case 'preserve-permissions':
        request.samePermissions = true;
        break;
      case 'no-same-permissions':
        request.samePermissions = false;
        break;
      case 'same-owner':
        request.sameOwner = true;
        break;
      case 'no-same-owner':
        request.sameOwner = false;
        break;
      case 'v':
      case 'verbose':
        verbosity++;
        break;
    }
  };

  const rest = [...args];
  // Old style: a first word without a dash is a bundle of letters whose
  // arguments follow it in order (`tar xmf - -C /`).
  if (rest.length > 0 && !rest[0]!.startsWith('-')) {
    const letters = rest.shift()!;
    for (const letter of letters) {
      if (!(letter in SHORT)) return { ok: false, problem: `unsupported option letter '${letter}' in "${letters}"` };
      if (SHORT[letter]) {
        if (rest.length === 0) return { ok: false, problem: `option '${letter}' requires an argument` };
        apply(letter, rest.shift()!);
      } else apply(letter);
    }
  }

  while (rest.length > 0 && problem === undefined) {
    const arg = rest.shift()!;
    if (arg === '--') {
      if (rest.length > 0) problem = `member names are not supported ("${rest[0]}")`;
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const letter = LONG_WITH_ARGUMENT[name];
      if (letter !== undefined) {
        const value = eq < 0 ? rest.shift() : arg.slice(eq + 1);
        if (value === undefined) problem = `option '--${name}' requires an argument`;
        else apply(letter, value);
      } else if (LONG_FLAGS.has(name) && eq < 0) {
        apply(name);
      } else {
        problem = `unsupported option "${arg}"`;
      }
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') {
      for (let i = 1; i < arg.length; i++) {
        const letter = arg[i]!;
        if (!(letter in SHORT)) {
          problem = `unsupported option '-${letter}'`;
          break;
        }
        if (SHORT[letter]) {
          const value = i + 1 < arg.length ? arg.slice(i + 1) : rest.shift();
          if (value === undefined) problem = `option '-${letter}' requires an argument`;
          else apply(letter, value);
          break;
        }
        apply(letter);
      }
      continue;
    }
    problem = `member names are not supported ("${arg}")`;
  }

  if (problem !== undefined) return { ok: false, problem };
  if (!extract) return { ok: false, problem: 'only extraction (-x) is supported' };
  if (files.length !== 1 || files[0] !== '-') {
    return { ok: false, problem: files.length === 0 ? 'the archive must be given as -f - (stdin)' : `only -f - (stdin) is supported, not ${files.map((f) => `"${f}"`).join(', ')}` };
  }
  if (verbosity > 1) return { ok: false, problem: 'only one -v is supported' };
  request.verbose = verbosity === 1;
  return { ok: true, request, form: tarForm(args) };
}

/** Which tool this command line comes from: their exact shapes, with any directory. */
export function tarForm(args: readonly string[]): SyncForm {
  if (args.length === 5 && args[0] === '-C' && args[2] === '-x' && args[3] === '-f' && args[4] === '-') return 'tilt';
  if (args.length === 5 && args[0] === 'xmf' && args[1] === '-' && args[2] === '-C' && args[4] === '--no-same-owner') return 'skaffold';
  return 'other';
}
