import { describe, expect, it } from 'vitest';
import { parseRmArgs, rmForm, type RmRequest } from './rm-args';

describe('parseRmArgs', () => {
  it.each<[string[], RmRequest, string]>([
    [['-rf', '/app/a', '/app/b'], { recursive: true, force: true, paths: ['/app/a', '/app/b'] }, 'tilt'],
    [['-rf', '--', '/app/a', '-odd'], { recursive: true, force: true, paths: ['/app/a', '-odd'] }, 'skaffold'],
    [['-fr', 'x'], { recursive: true, force: true, paths: ['x'] }, 'other'],
    [['-r', '-f', 'x'], { recursive: true, force: true, paths: ['x'] }, 'other'],
    [['-R', 'x'], { recursive: true, force: false, paths: ['x'] }, 'other'],
    [['--recursive', '--force', 'x'], { recursive: true, force: true, paths: ['x'] }, 'other'],
    [['-f', 'x'], { recursive: false, force: true, paths: ['x'] }, 'other'],
    [['x', '-rf'], { recursive: true, force: true, paths: ['x'] }, 'other'],
    [['x'], { recursive: false, force: false, paths: ['x'] }, 'other'],
    [['-rf'], { recursive: true, force: true, paths: [] }, 'other'],
    [['-rf', '-'], { recursive: true, force: true, paths: ['-'] }, 'other'],
    [['--', '--', '-rf'], { recursive: false, force: false, paths: ['--', '-rf'] }, 'other'],
  ])('%j', (args, request, form) => {
    expect(parseRmArgs(args)).toEqual({ ok: true, request, form });
  });

  it.each<[string[], string]>([
    [['-i', 'x'], "unsupported option '-i'"],
    [['-rfv', 'x'], "unsupported option '-v'"],
    [['-d', 'x'], "unsupported option '-d'"],
    [['--no-preserve-root', '-rf', '/'], 'unsupported option "--no-preserve-root"'],
    [['--interactive=never', 'x'], 'unsupported option "--interactive=never"'],
  ])('%j -> %s', (args, problem) => {
    expect(parseRmArgs(args)).toEqual({ ok: false, problem });
  });
});

describe('rmForm', () => {
  it.each<[string[], string]>([
    [['-rf', '/a'], 'tilt'],
    [['-rf', '/a', '/b'], 'tilt'],
    [['-rf', '--', '/a'], 'skaffold'],
    [['-rf', '--'], 'other'],
    [['-rf'], 'other'],
    [['-fr', '/a'], 'other'],
    [['-rf', '/a', '-v'], 'other'],
    [['-rf', '--', '/a', '--'], 'other'],
  ])('%j -> %s', (args, form) => {
    expect(rmForm(args)).toBe(form);
  });
});
