import { describe, expect, it } from 'vitest';
import { entryPath, linkStaysInside, stripComponents } from './safe-path';

describe('entryPath', () => {
  it.each([
    ['a', 'a'],
    ['a/b/c', 'a/b/c'],
    ['./a/b', 'a/b'],
    ['a//b/./c/', 'a/b/c'],
    ['top/', 'top'],
    ['.', ''],
    ['./', ''],
    ['a..b/..c/d..', 'a..b/..c/d..'],
    ['...', '...'],
  ])('%j -> %j', (name, relative) => {
    expect(entryPath(name, false)).toEqual({ ok: true, relative });
  });

  it.each([
    ['..', 'contains a ".." component'],
    ['../x', 'contains a ".." component'],
    ['a/../../x', 'contains a ".." component'],
    ['a/..', 'contains a ".." component'],
    ['a/b/../c', 'contains a ".." component'], // even when it would stay inside
    ['/etc/passwd', 'is an absolute path'],
    ['//x', 'is an absolute path'],
    ['a\0b', 'contains a NUL byte'],
  ])('refuses %j: %s', (name, problem) => {
    expect(entryPath(name, false)).toEqual({ ok: false, problem });
  });

  it('with allowAbsolute strips the leading slash but still refuses ".."', () => {
    expect(entryPath('/usr/bin/x', true)).toEqual({ ok: true, relative: 'usr/bin/x' });
    expect(entryPath('/../etc', true)).toEqual({ ok: false, problem: 'contains a ".." component' });
  });
});

describe('linkStaysInside', () => {
  it.each([
    ['link', 'target', true],
    ['link', './target', true],
    ['bin/link', '../README', true],
    ['a/b/link', '../../x', true],
    ['a/link', 'b/../c', true],
    ['link', '.', true],
    ['a/link', '..', true],
    ['link', '..', false],
    ['link', '../x', false],
    ['a/link', '../../x', false],
    ['a/link', 'b/../../../x', false],
    ['link', '/etc/passwd', false],
    ['link', '/', false],
    ['link', '..foo', true],
  ])('%j -> %j: %s', (link, target, inside) => {
    expect(linkStaysInside(link, target)).toBe(inside);
  });
});

describe('stripComponents', () => {
  it.each([
    ['top/bin/watchexec', 1, 'bin/watchexec'],
    ['top/watchexec', 1, 'watchexec'],
    ['top', 1, ''],
    ['top/a', 2, ''],
    ['a/b/c', 0, 'a/b/c'],
    ['a/b/c', 2, 'c'],
    ['top//x', 1, 'x'],
  ])('%j minus %i -> %j', (relative, count, expected) => {
    expect(stripComponents(relative, count)).toBe(expected);
  });
});
