import { describe, expect, it } from 'vitest';
import { parseTarArgs, tarForm, type TarRequest } from './tar-args';

const base: TarRequest = { directories: [], touch: false, sameOwner: undefined, samePermissions: undefined, verbose: false };

describe('parseTarArgs: accepted command lines', () => {
  it.each<[string[], Partial<TarRequest>, string]>([
    [['-C', '/', '-x', '-f', '-'], { directories: ['/'] }, 'tilt'],
    [['xmf', '-', '-C', '/', '--no-same-owner'], { directories: ['/'], touch: true, sameOwner: false }, 'skaffold'],
    [['-C', '/tmp/r', '-x', '-f', '-'], { directories: ['/tmp/r'] }, 'tilt'],
    [['xmf', '-', '-C', 'rel', '--no-same-owner'], { directories: ['rel'], touch: true, sameOwner: false }, 'skaffold'],
    [['-xf', '-'], {}, 'other'],
    [['-xf-'], {}, 'other'],
    [['-x', '-f', '-'], {}, 'other'],
    [['--extract', '--file=-'], {}, 'other'],
    [['--get', '--file', '-'], {}, 'other'],
    [['-x', '-f', '-', '-C/a', '-Cb'], { directories: ['/a', 'b'] }, 'other'],
    [['-x', '-f', '-', '--directory=/a', '--directory', 'b'], { directories: ['/a', 'b'] }, 'other'],
    [['xCf', '/d', '-'], { directories: ['/d'] }, 'other'],
    [['xfC', '-', '/d'], { directories: ['/d'] }, 'other'],
    [['-xmf', '-'], { touch: true }, 'other'],
    [['-x', '--touch', '-f', '-'], { touch: true }, 'other'],
    [['-x', '-f', '-', '--same-owner'], { sameOwner: true }, 'other'],
    [['-x', '-f', '-', '--no-same-owner', '--same-owner'], { sameOwner: true }, 'other'],
    [['-xpf', '-'], { samePermissions: true }, 'other'],
    [['-x', '-f', '-', '--same-permissions'], { samePermissions: true }, 'other'],
    [['-x', '-f', '-', '--preserve-permissions'], { samePermissions: true }, 'other'],
    [['-x', '-f', '-', '--no-same-permissions'], { samePermissions: false }, 'other'],
    [['-xvf', '-'], { verbose: true }, 'other'],
    [['xvf', '-'], { verbose: true }, 'other'],
    [['-x', '-f', '-', '--'], {}, 'other'],
  ])('%j', (args, expected, form) => {
    expect(parseTarArgs(args)).toEqual({ ok: true, request: { ...base, ...expected }, form });
  });
});

describe('parseTarArgs: unsupported command lines', () => {
  it.each<[string[], string]>([
    [['-c', '-f', '-', 'dir'], "unsupported option '-c'"],
    [['-t', '-f', '-'], "unsupported option '-t'"],
    [['tf', '-'], `unsupported option letter 't' in "tf"`],
    [['-xzf', '-'], "unsupported option '-z'"],
    [['-x', '-f', 'archive.tar'], 'only -f - (stdin) is supported, not "archive.tar"'],
    [['-x', '-f', '-', '-f', '-'], 'only -f - (stdin) is supported, not "-", "-"'],
    [['-x'], 'the archive must be given as -f - (stdin)'],
    [['-f', '-'], 'only extraction (-x) is supported'],
    [[], 'only extraction (-x) is supported'],
    [['-x', '-f', '-', 'member'], 'member names are not supported ("member")'],
    [['-x', '-f', '-', '--', 'member'], 'member names are not supported ("member")'],
    [['-x', '-f', '-', '-'], 'member names are not supported ("-")'],
    [['-x', '-f'], "option '-f' requires an argument"],
    [['-x', '-f', '-', '-C'], "option '-C' requires an argument"],
    [['xf'], "option 'f' requires an argument"],
    [['-x', '--file'], "option '--file' requires an argument"],
    [['-x', '-f', '-', '--strip-components=1'], 'unsupported option "--strip-components=1"'],
    [['-x', '-f', '-', '--touch=yes'], 'unsupported option "--touch=yes"'],
    [['-x', '-f', '-', '--no-same'], 'unsupported option "--no-same"'],
    [['-xvvf', '-'], 'only one -v is supported'],
  ])('%j -> %s', (args, problem) => {
    expect(parseTarArgs(args)).toEqual({ ok: false, problem });
  });
});

describe('tarForm', () => {
  it.each<[string[], string]>([
    [['-C', '/', '-x', '-f', '-'], 'tilt'],
    [['xmf', '-', '-C', '/', '--no-same-owner'], 'skaffold'],
    [['-x', '-C', '/', '-f', '-'], 'other'],
    [['-C', '/', '-x', '-f', '-', '-v'], 'other'],
    [['xmf', '-', '-C', '/'], 'other'],
    [['-xmf', '-', '-C', '/', '--no-same-owner'], 'other'],
  ])('%j -> %s', (args, form) => {
    expect(tarForm(args)).toBe(form);
  });
});
