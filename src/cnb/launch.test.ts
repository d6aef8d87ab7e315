import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { checkProcessType, renderLaunchToml } from './launch';

describe('renderLaunchToml', () => {
  it('renders command and args as arrays, default, and working-dir only when set', () => {
    const text = renderLaunchToml([
      { type: 'reload-web', command: ['/layers/w/bin/watchexec', '--restart', '--', 'node', 'app.js'], args: ['--port', '8080'], default: true, workingDir: '/workspace/app' },
      { type: 'web', command: ['node', 'app.js'], args: [], default: false },
    ]);
    expect(text).toBe(
      '[[processes]]\ntype = "reload-web"\ncommand = [ "/layers/w/bin/watchexec", "--restart", "--", "node", "app.js" ]\n' +
        'args = [ "--port", "8080" ]\ndefault = true\nworking-dir = "/workspace/app"\n\n' +
        '[[processes]]\ntype = "web"\ncommand = [ "node", "app.js" ]\nargs = []\ndefault = false\n\n',
    );
    expect(parse(text)).toEqual({
      processes: [
        {
          type: 'reload-web',
          command: ['/layers/w/bin/watchexec', '--restart', '--', 'node', 'app.js'],
          args: ['--port', '8080'],
          default: true,
          'working-dir': '/workspace/app',
        },
        { type: 'web', command: ['node', 'app.js'], args: [], default: false },
      ],
    });
  });

  it('keeps awkward argv words exactly', () => {
    const words = ['sh', '-c', 'echo "a\\b" \'c\' $X\n#'];
    const text = renderLaunchToml([{ type: 'web', command: words, args: ['ü', ''], default: false }]);
    expect(parse(text)).toEqual({ processes: [{ type: 'web', command: words, args: ['ü', ''], default: false }] });
  });

  it('renders no processes as an empty array', () => {
    expect(parse(renderLaunchToml([]))).toEqual({ processes: [] });
  });
});

describe('checkProcessType', () => {
  it.each(['web', 'reload-web', 'a.b_c-D9', '0'])('accepts %j', (type) => {
    expect(() => checkProcessType(type, 'x', 'plan')).not.toThrow();
  });

  it.each(['', 'web app', 'wé', 'a/b', 'a:b', 'web\n'])('refuses %j', (type) => {
    let error: unknown;
    try {
      checkProcessType(type, 'plan entry #1', 'plan');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('plan');
    expect((error as BuildpackError).message).toBe(
      `plan entry #1: process type ${JSON.stringify(type)} is not allowed; use letters, digits, ".", "_" and "-" only`,
    );
  });
});
