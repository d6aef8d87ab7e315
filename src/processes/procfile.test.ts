import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { parseProcfile } from './procfile';

function procfileError(text: string, file?: string): BuildpackError {
  try {
    parseProcfile(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(BuildpackError);
    return error as BuildpackError;
  }
  throw new Error('expected a BuildpackError, nothing was thrown');
}

describe('parseProcfile', () => {
  it('reads every type in order, split into argv, not default', () => {
    expect(parseProcfile('web: node server.js --port 8080\nworker: python3 worker.py\n')).toEqual([
      { type: 'web', command: ['node', 'server.js', '--port', '8080'], args: [], default: false, shellFeatures: [] },
      { type: 'worker', command: ['python3', 'worker.py'], args: [], default: false, shellFeatures: [] },
    ]);
  });

  it('skips blank lines and comments, and accepts CRLF and surrounding spaces', () => {
    const text = '# the app\r\n\r\n   \r\n  web :  node  app.js  \r\n\t# indented comment\r\nclock:ruby clock.rb\r\n';
    expect(parseProcfile(text).map((p) => [p.type, p.command])).toEqual([
      ['web', ['node', 'app.js']],
      ['clock', ['ruby', 'clock.rb']],
    ]);
  });

  it('an empty or comment-only Procfile has no processes', () => {
    expect(parseProcfile('')).toEqual([]);
    expect(parseProcfile('# nothing\n\n')).toEqual([]);
  });

  it('keeps colons after the first as part of the command', () => {
    expect(parseProcfile('web: python3 -m http.server --bind :: 8080')[0]!.command).toEqual([
      'python3', '-m', 'http.server', '--bind', '::', '8080',
    ]);
  });

  it.each(['web', 'web.1', 'web_2', 'Web-API', '0'])('accepts the type name %j', (type) => {
    expect(parseProcfile(`${type}: run`)[0]!.type).toBe(type);
  });

  it('wraps a command that needs a shell in sh -c, keeping the line verbatim, and says why', () => {
    expect(parseProcfile('web: npm run build && PORT=$PORT node "dist/app.js"')).toEqual([
      {
        type: 'web',
        command: ['sh', '-c', 'npm run build && PORT=$PORT node "dist/app.js"'],
        args: [],
        default: false,
        shellFeatures: ['& operator', '$ expansion'],
      },
    ]);
  });

  it('does not wrap a command whose special characters are quoted', () => {
    expect(parseProcfile(`web: node -e 'a && b | c' '$x' "*.js"`)).toEqual([
      { type: 'web', command: ['node', '-e', 'a && b | c', '$x', '*.js'], args: [], default: false, shellFeatures: [] },
    ]);
  });

  it('wraps a command with a leading VAR=value assignment', () => {
    const [web] = parseProcfile('web: PORT=8080 node app.js');
    expect(web!.command).toEqual(['sh', '-c', 'PORT=8080 node app.js']);
    expect(web!.shellFeatures).toEqual(['VAR=value assignment']);
  });

  it.each([
    ['web: a\nweb: b', 'Procfile line 2: process type "web" is declared twice'],
    ['web: a\r\n\r\nweb: b', 'Procfile line 3: process type "web" is declared twice'],
    ['web node app.js', 'Procfile line 1: expected "type: command", got "web node app.js"'],
    ['# c\nweb app: node app.js', 'Procfile line 2: expected "type: command", got "web app: node app.js"'],
    [': node app.js', 'Procfile line 1: expected "type: command", got ": node app.js"'],
    ['web:', 'Procfile line 1: process "web" has an empty command'],
    ['web:    ', 'Procfile line 1: process "web" has an empty command'],
    [
      'wé: node app.js',
      'Procfile line 1: process type "wé" is not allowed; use letters, digits, ".", "_" and "-" only',
    ],
    [
      'web/2: node app.js',
      'Procfile line 1: process type "web/2" is not allowed; use letters, digits, ".", "_" and "-" only',
    ],
    ["web: node 'app.js", 'Procfile line 1: cannot parse the command of "web": unbalanced single quote at character 6'],
    ['web: node "app.js', 'Procfile line 1: cannot parse the command of "web": unbalanced double quote'],
  ])('refuses %j', (text, message) => {
    const error = procfileError(text);
    expect(error.kind).toBe('procfile');
    expect(error.message).toBe(message);
  });

  it('names the file it was given', () => {
    expect(procfileError('web', 'Procfile.dev').message).toBe('Procfile.dev line 1: expected "type: command", got "web"');
  });

  it('reports an invalid type as a procfile error whatever the file is called', () => {
    const error = procfileError('wé: node app.js', '/workspace/Procfile');
    expect(error.kind).toBe('procfile');
  });
});
