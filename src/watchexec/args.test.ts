import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { MINIMUM_WATCHEXEC, watchexecArgs, type WatchOptions } from './args';

const base: WatchOptions = {
  watch: ['/workspace'],
  ignore: [],
  stopSignal: 'SIGTERM',
  stopTimeoutMs: 10_000,
  debounceMs: 50,
  pollMs: undefined,
  vcsIgnore: false,
  projectOrigin: '/workspace',
};

describe('watchexecArgs', () => {
  it('2.5.1 with the defaults', () => {
    expect(watchexecArgs('2.5.1', base)).toEqual([
      '--restart',
      '--watch', '/workspace',
      '--no-vcs-ignore',
      '--project-origin', '/workspace',
      '--shell', 'none',
      '--wrap-process', 'group',
      '--stop-signal', 'SIGTERM',
      '--stop-timeout', '10s',
      '--debounce', '50ms',
    ]);
  });

  it('1.25.1 has no --wrap-process, and the same flags otherwise', () => {
    expect(watchexecArgs('1.25.1', base)).toEqual([
      '--restart',
      '--watch', '/workspace',
      '--no-vcs-ignore',
      '--project-origin', '/workspace',
      '--shell', 'none',
      '--stop-signal', 'SIGTERM',
      '--stop-timeout', '10s',
      '--debounce', '50ms',
    ]);
  });

  it('every option set, on 2.4.1', () => {
    expect(
      watchexecArgs('2.4.1', {
        watch: ['/workspace/src', '/workspace/lib'],
        ignore: ['*.log', 'tmp/**'],
        stopSignal: 'SIGINT',
        stopTimeoutMs: 1500,
        debounceMs: 2000,
        pollMs: 500,
        vcsIgnore: true,
        projectOrigin: '/app',
      }),
    ).toEqual([
      '--restart',
      '--watch', '/workspace/src',
      '--watch', '/workspace/lib',
      '--ignore', '*.log',
      '--ignore', 'tmp/**',
      '--project-origin', '/app',
      '--shell', 'none',
      '--wrap-process', 'group',
      '--stop-signal', 'SIGINT',
      '--stop-timeout', '1500ms',
      '--debounce', '2s',
      '--poll', '500ms',
    ]);
  });

  it.each([
    [true, false],
    [false, true],
  ])('vcsIgnore=%s -> --no-vcs-ignore present: %s', (vcsIgnore, present) => {
    expect(watchexecArgs('2.5.1', { ...base, vcsIgnore }).includes('--no-vcs-ignore')).toBe(present);
  });

  it.each([
    [undefined, undefined],
    [10, '10ms'],
    [500, '500ms'],
    [2000, '2s'],
    [60_000, '60s'],
  ])('pollMs=%s -> --poll %s', (pollMs, flag) => {
    const args = watchexecArgs('2.5.1', { ...base, pollMs });
    const at = args.indexOf('--poll');
    expect(at < 0 ? undefined : args[at + 1]).toBe(flag);
    if (flag) expect(at).toBe(args.length - 2);
  });

  it('a zero stop timeout is given as 0s', () => {
    const args = watchexecArgs('2.5.1', { ...base, stopTimeoutMs: 0 });
    expect(args[args.indexOf('--stop-timeout') + 1]).toBe('0s');
  });

  it('keeps paths with spaces and globs as single arguments', () => {
    const args = watchexecArgs('2.5.1', { ...base, watch: ['/work space/a b'], ignore: ['**/my dir/*'] });
    expect(args.slice(1, 5)).toEqual(['--watch', '/work space/a b', '--ignore', '**/my dir/*']);
  });

  it.each(['2.0.0', '2.6.1', '3.0.0'])('%s gets --wrap-process group', (version) => {
    expect(watchexecArgs(version, base).join(' ')).toContain('--wrap-process group');
  });

  it.each(['1.22.0', '1.25.1'])('%s has no --wrap-process', (version) => {
    expect(watchexecArgs(version, base)).not.toContain('--wrap-process');
  });

  it.each(['1.21.0', '1.17.0', '0.9.0'])('refuses %s as too old', (version) => {
    expect(MINIMUM_WATCHEXEC).toBe('1.22.0');
    let error: unknown;
    try {
      watchexecArgs(version, base);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('dependency');
    expect((error as BuildpackError).message).toBe(`watchexec ${version} is too old: this buildpack needs 1.22.0 or newer`);
  });
});
