import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOWS, parseGateArgs, resolveProgram } from './gate';
import { DEFAULT_STATE_DIR } from './state';

describe('parseGateArgs', () => {
  it('takes everything after -- as the command, with defaults', () => {
    expect(parseGateArgs(['--', 'python3', 'server.py', '--', 'x'])).toEqual({
      stateDir: DEFAULT_STATE_DIR,
      windows: DEFAULT_WINDOWS,
      command: ['python3', 'server.py', '--', 'x'],
    });
  });

  it('reads the state dir and windows', () => {
    expect(parseGateArgs(['--state-dir', '/s', '--settle', '150ms', '--follow-up', '1s', '--', 'app'])).toEqual({
      stateDir: '/s',
      windows: { settleMs: 150, followUpMs: 1000 },
      command: ['app'],
    });
  });

  it.each([
    [['app'], 'usage'],
    [['--'], 'usage'],
    [['--settle'], '--settle needs a value'],
    [['--settle', 'soon', '--', 'app'], '--settle="soon" is not valid'],
    [['--frobnicate', 'x', '--', 'app'], 'unknown option "--frobnicate"'],
  ])('explains a bad command line %j', (args, message) => {
    const result = parseGateArgs(args);
    expect(typeof result).toBe('string');
    expect(result).toContain(message);
  });
});

describe('resolveProgram', () => {
  const sh = execFileSync('sh', ['-c', 'command -v sh']).toString().trim();

  it('finds a program on PATH as a shell would', () => {
    expect(resolveProgram('sh', `/nonexistent:${sh.slice(0, sh.lastIndexOf('/'))}`)).toBe(sh);
  });

  it('takes a path with a slash as it is, if executable', () => {
    expect(resolveProgram(sh, '')).toBe(sh);
    expect(resolveProgram('/nonexistent/app', '/usr/bin')).toBeUndefined();
  });

  it('is undefined when nothing on PATH matches', () => {
    expect(resolveProgram('no-such-program-here', '/usr/bin:/bin')).toBeUndefined();
  });
});
