import { describe, expect, it } from 'vitest';
import type { Process } from '../cnb/launch';
import { defaultType, reloadableProcesses, RELOAD_PREFIX } from './reloadable';

const p = (type: string, extra: Partial<Process> = {}): Process => ({ type, command: [type], args: [], default: false, ...extra });
const WATCHEXEC = ['/layers/watchexec/bin/watchexec', '--restart', '--watch', '/workspace'];

describe('defaultType', () => {
  it.each<[string, Process[], string | undefined]>([
    ['nothing declared', [], undefined],
    ['a single process', [p('worker')], 'worker'],
    ['web among several', [p('worker'), p('web'), p('clock')], 'web'],
    ['several without web', [p('worker'), p('clock')], undefined],
    ['a marked default beats web', [p('web'), p('api', { default: true })], 'api'],
    ['the last marked default wins', [p('a', { default: true }), p('web'), p('b', { default: true })], 'b'],
    ['a single marked default among others', [p('a'), p('b', { default: true }), p('c')], 'b'],
  ])('%s -> %s', (_, processes, expected) => {
    expect(defaultType(processes)).toBe(expected);
  });
});

describe('reloadableProcesses', () => {
  it('writes reload-T (under watchexec) then T unchanged and never default', () => {
    expect(RELOAD_PREFIX).toBe('reload-');
    expect(reloadableProcesses([p('web', { command: ['node', 'app.js'], default: true })], WATCHEXEC)).toEqual([
      { type: 'reload-web', command: [...WATCHEXEC, '--', 'node', 'app.js'], args: [], default: true },
      { type: 'web', command: ['node', 'app.js'], args: [], default: false },
    ]);
  });

  it('puts the gate, when given, between -- and the command', () => {
    const gate = ['/layers/sync/bin/helper', 'gate', '--settle', '100ms', '--'];
    expect(reloadableProcesses([p('web', { command: ['node', 'app.js'] })], WATCHEXEC, gate)).toEqual([
      { type: 'reload-web', command: [...WATCHEXEC, '--', ...gate, 'node', 'app.js'], args: [], default: true },
      { type: 'web', command: ['node', 'app.js'], args: [], default: false },
    ]);
  });

  it('keeps args and working-dir on both processes', () => {
    const worker = p('worker', { command: ['python3', 'worker.py'], args: ['--queue', 'a b'], workingDir: '/workspace/jobs' });
    expect(reloadableProcesses([worker], WATCHEXEC)).toEqual([
      {
        type: 'reload-worker',
        command: [...WATCHEXEC, '--', 'python3', 'worker.py'],
        args: ['--queue', 'a b'],
        default: true,
        workingDir: '/workspace/jobs',
      },
      { type: 'worker', command: ['python3', 'worker.py'], args: ['--queue', 'a b'], default: false, workingDir: '/workspace/jobs' },
    ]);
  });

  it.each<[string, Process[], string[]]>([
    ['web wins without a marked default', [p('worker'), p('web')], ['reload-web']],
    ['the marked default wins over web', [p('web'), p('api', { default: true })], ['reload-api']],
    ['no default when several and none is web', [p('worker'), p('clock')], []],
    ['the only process is default', [p('clock')], ['reload-clock']],
  ])('%s', (_, processes, defaults) => {
    const result = reloadableProcesses(processes, WATCHEXEC);
    expect(result.map((r) => r.type)).toEqual(processes.flatMap((x) => [`reload-${x.type}`, x.type]));
    expect(result.filter((r) => r.default).map((r) => r.type)).toEqual(defaults);
  });

  it('does not modify its input', () => {
    const input = [p('web', { default: true, command: ['a'] })];
    const copy = structuredClone(input);
    reloadableProcesses(input, WATCHEXEC);
    expect(input).toEqual(copy);
  });

  it('an empty list gives no processes', () => {
    expect(reloadableProcesses([], WATCHEXEC)).toEqual([]);
  });

  it('refuses a declared type that collides with a reload process, rather than writing it twice', () => {
    expect(() => reloadableProcesses([p('web'), p('reload-web')], WATCHEXEC)).toThrow(
      'process type "reload-web" is declared by the app, but it is the name of the reloadable process this buildpack writes for "web"; rename it',
    );
  });
});
