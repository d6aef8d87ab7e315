import { describe, expect, it } from 'vitest';
import type { Binding } from '../cnb/bindings';
import { BuildpackError } from '../errors';
import {
  applyMirror,
  chooseSource,
  envNameForHost,
  findMapping,
  findMirror,
  hostFromEnvName,
  mirrorsFromBindings,
  mirrorsFromEnv,
  parseMirror,
  redactCredentials,
  redactedError,
  redirection,
  schemeProblem,
} from './redirect';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const GITHUB = 'https://github.com/watchexec/watchexec/releases/download/v2.5.1/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz';
const PATH = '/watchexec/watchexec/releases/download/v2.5.1/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz';

function binding(name: string, type: string, entries: Record<string, string>): Binding {
  return { name, dir: `/bindings/${name}`, type, provider: undefined, entries };
}

function thrown(fn: () => unknown): BuildpackError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BuildpackError) return error;
    throw error;
  }
  throw new Error('expected a BuildpackError');
}

describe('BP_DEPENDENCY_MIRROR_<HOST> names', () => {
  it.each([
    ['BP_DEPENDENCY_MIRROR_GITHUB_COM', 'github.com'],
    ['BP_DEPENDENCY_MIRROR_TESTING_123__ABC', 'testing.123-abc'],
    ['BP_DEPENDENCY_MIRROR_OBJECTS__CDN_EXAMPLE_ORG', 'objects-cdn.example.org'],
  ])('%s serves %s', (name, host) => {
    expect(hostFromEnvName(name)).toBe(host);
    expect(envNameForHost(host)).toBe(name);
  });
});

describe('parseMirror', () => {
  it.each([
    ['https://mirror.example.org/{originalHost}', 'https://mirror.example.org/{originalHost}', undefined],
    ['mirror=https://mirror.example.org/gh', 'https://mirror.example.org/gh', undefined],
    ['https://mirror.example.org/gh,skip-path=/watchexec', 'https://mirror.example.org/gh', '/watchexec'],
    ['mirror=https://mirror.example.org/gh, skip-path=watchexec', 'https://mirror.example.org/gh', '/watchexec'],
    ['https://user%3Apa%24%24word%2C%40mirror.example.org%2Fgh,skip-path=%2Fa%20b', 'https://user:pa$$word,@mirror.example.org/gh', '/a b'],
    ['file:///srv/mirror\n', 'file:///srv/mirror', undefined],
    ['http://127.0.0.1:8080/m', 'http://127.0.0.1:8080/m', undefined],
  ])('%j', (value, base, skipPath) => {
    expect(parseMirror(value, 'BP_DEPENDENCY_MIRROR', 'env')).toEqual({ base, skipPath });
  });

  it.each([
    ['http://mirror.example.org/{originalHost}', 'http:// is accepted only for a loopback host'],
    ['ftp://mirror.example.org/', 'the scheme ftp: is not supported'],
    ['mirror.example.org/x', 'expected an absolute https:// or file:// URI'],
    ['https://a.example,https://b.example', 'with one URI'],
    ['https://a.example,depth=2', 'unknown option "depth"'],
    ['skip-path=/x', 'expected [mirror=]<uri>'],
    ['https://a.example/%zz', 'malformed %-escape'],
  ])('refuses %j naming the setting', (value, why) => {
    const error = thrown(() => parseMirror(value, 'BP_DEPENDENCY_MIRROR_GITHUB_COM', 'env'));
    expect(error.kind).toBe('setting');
    expect(error.message).toContain(`BP_DEPENDENCY_MIRROR_GITHUB_COM=${JSON.stringify(value)} is not valid`);
    expect(error.message).toContain(why);
  });

  it('names the binding and key when a binding holds a bad value', () => {
    const error = thrown(() => mirrorsFromBindings([binding('m', 'dependency-mirror', { 'github.com': 'http://mirror.example.org' })]));
    expect(error.kind).toBe('binding');
    expect(error.message).toContain('binding "m" (dependency-mirror, key github.com)');
    expect(error.message).toContain('loopback');
  });
});

describe('schemeProblem', () => {
  it.each(['https://x.example/a', 'file:///a', 'http://localhost:1/a', 'http://127.0.0.1/a', 'http://127.1.2.3/a', 'http://[::1]:9/a'])('accepts %s', (uri) => {
    expect(schemeProblem(uri)).toBeUndefined();
  });
  it.each(['http://mirror.example.org/a', 'http://127.0.0.1.example.org/a', 'http://10.0.0.1/a', 'ftp://x/a', 's3://b/k', '/abs/path'])('refuses %s', (uri) => {
    expect(schemeProblem(uri)).toBeDefined();
  });
});

describe('applyMirror', () => {
  it.each([
    [{ base: 'https://mirror.example.org/{originalHost}' }, GITHUB, `https://mirror.example.org/github.com${PATH}`],
    [{ base: 'https://mirror.example.org' }, GITHUB, `https://mirror.example.org${PATH}`],
    [{ base: 'https://mirror.example.org/gh/' }, GITHUB, `https://mirror.example.org/gh${PATH}`],
    [{ base: 'https://mirror.example.org/gh', skipPath: '/watchexec/watchexec' }, GITHUB, `https://mirror.example.org/gh/releases/download/v2.5.1/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz`],
    [{ base: 'https://mirror.example.org/gh', skipPath: '/watchexec/watchexec/' }, GITHUB, `https://mirror.example.org/gh/releases/download/v2.5.1/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz`],
    // Only whole segments are skipped, and only a prefix.
    [{ base: 'https://m.example', skipPath: '/watch' }, GITHUB, `https://m.example${PATH}`],
    [{ base: 'https://m.example', skipPath: '/releases' }, GITHUB, `https://m.example${PATH}`],
    [{ base: 'https://m.example', skipPath: '/a b' }, 'https://h.example/a%20b/f.tgz', 'https://m.example/f.tgz'],
    [{ base: 'file:///srv/mirror/{originalHost}' }, GITHUB, `file:///srv/mirror/github.com${PATH}`],
    [{ base: 'https://m.example/{originalHost}' }, 'https://h.example:8443/f.tgz?x=1', 'https://m.example/h.example:8443/f.tgz?x=1'],
  ])('%j + %s', (mirror, uri, expected) => {
    expect(applyMirror({ skipPath: undefined, ...mirror }, uri)).toBe(expected);
  });
});

describe('finding the mirror', () => {
  const env = {
    BP_DEPENDENCY_MIRROR: 'https://default.example/{originalHost}',
    BP_DEPENDENCY_MIRROR_GITHUB_COM: 'https://gh.example',
    BP_DEPENDENCY_MIRROR_EMPTY_EXAMPLE: '  ',
    BP_LIVE_RELOAD_ENABLED: 'true',
  };

  it('prefers the host mirror to the default, matching the whole host name in any case', () => {
    const mirrors = mirrorsFromEnv(env);
    expect(mirrors.map((m) => [m.host, m.origin])).toEqual([
      ['github.com', 'BP_DEPENDENCY_MIRROR_GITHUB_COM'],
      ['default', 'BP_DEPENDENCY_MIRROR'],
    ]);
    expect(findMirror(mirrors, GITHUB)?.origin).toBe('BP_DEPENDENCY_MIRROR_GITHUB_COM');
    expect(findMirror(mirrors, 'https://GitHub.COM/x.tgz')?.origin).toBe('BP_DEPENDENCY_MIRROR_GITHUB_COM');
    // Not a substring match (Paketo's packit matches substrings of the whole URI).
    expect(findMirror(mirrors, 'https://notgithub.com/github.com/x.tgz')?.origin).toBe('BP_DEPENDENCY_MIRROR');
    expect(findMirror(mirrorsFromEnv({ BP_DEPENDENCY_MIRROR_GITHUB_COM: 'https://gh.example' }), 'https://example.org/x.tgz')).toBeUndefined();
  });

  it('takes the binding\'s keys, host before default', () => {
    const mirrors = mirrorsFromBindings([binding('m', 'Dependency-Mirror', { default: 'https://d.example\n', 'GitHub.com': 'https://gh.example\n', 'x.example': '' })]);
    expect(mirrors.map((m) => [m.host, m.base])).toEqual([
      ['github.com', 'https://gh.example'],
      ['default', 'https://d.example'],
    ]);
    expect(findMirror(mirrors, GITHUB)?.host).toBe('github.com');
    expect(findMirror(mirrors, 'https://x.example/f')?.host).toBe('default');
  });

  it('lets the environment win over the binding, as Paketo does', () => {
    const bindings = [binding('m', 'dependency-mirror', { 'github.com': 'https://binding-gh.example' })];
    const both = redirection({ BP_DEPENDENCY_MIRROR: 'https://env-default.example' }, bindings);
    expect(findMirror(both.mirrors, GITHUB)?.origin).toBe('BP_DEPENDENCY_MIRROR');
    const bindingOnly = redirection({}, bindings);
    expect(findMirror(bindingOnly.mirrors, GITHUB)?.origin).toBe('binding "m" (dependency-mirror, key github.com)');
  });

  it('refuses two dependency-mirror bindings', () => {
    const error = thrown(() => mirrorsFromBindings([binding('a', 'dependency-mirror', { default: 'https://a.example' }), binding('b', 'dependency-mirror', {})]));
    expect(error.kind).toBe('binding');
    expect(error.message).toContain('there are 2 bindings of type dependency-mirror ("a", "b")');
  });

  it('ignores bindings of other types', () => {
    expect(redirection({}, [binding('x', 'mysql', { default: 'http://nope.example' })])).toEqual({ mirrors: [], mappingBindings: [] });
  });
});

describe('findMapping', () => {
  it.each([SHA, `sha256:${SHA}`, `sha256_${SHA}`, `SHA256:${SHA.toUpperCase()}`])('finds the entry named %s, trimmed', (key) => {
    const found = findMapping([binding('maps', 'dependency-mapping', { [key]: ' https://cache.example/w.tar.xz\n' })], SHA);
    expect(found).toEqual({ uri: 'https://cache.example/w.tar.xz', origin: `binding "maps" (dependency-mapping, key ${key})` });
  });

  it('ignores other checksums and other keys', () => {
    expect(findMapping([binding('maps', 'dependency-mapping', { [OTHER]: 'https://x.example/o', README: 'hi', [`md5:${SHA}`]: 'https://x' })], SHA)).toBeUndefined();
  });

  it('accepts the same URI from two bindings and refuses two different ones', () => {
    const same = [binding('a', 'dependency-mapping', { [SHA]: 'file:///m/w' }), binding('b', 'dependency-mapping', { [`sha256:${SHA}`]: 'file:///m/w\n' })];
    expect(findMapping(same, SHA)?.uri).toBe('file:///m/w');
    const different = [binding('a', 'dependency-mapping', { [SHA]: 'file:///m/w' }), binding('b', 'dependency-mapping', { [SHA]: 'file:///n/w' })];
    const error = thrown(() => findMapping(different, SHA));
    expect(error.kind).toBe('binding');
    expect(error.message).toContain(`sha256:${SHA} is mapped to different URIs`);
  });

  it('refuses a plain-http mapping to a remote host', () => {
    const error = thrown(() => findMapping([binding('a', 'dependency-mapping', { [SHA]: 'http://cache.example/w' })], SHA));
    expect(error.message).toContain('binding "a" (dependency-mapping');
    expect(error.message).toContain('loopback');
  });
});

describe('chooseSource: offline copy, then mapping, then mirror, then the original URI', () => {
  const dependency = { uri: GITHUB, sha256: SHA };
  const mapping = binding('maps', 'dependency-mapping', { [SHA]: 'https://cache.example/w.tar.xz' });
  const mirror = binding('mirror', 'dependency-mirror', { default: 'https://mirror.example/{originalHost}' });
  const everything = redirection({}, [mapping, mirror]);

  it('uses the copy inside the buildpack first', () => {
    expect(chooseSource(dependency, everything, 'file:///cnb/buildpacks/x/dependencies/a/w.tar.xz')).toMatchObject({
      uri: 'file:///cnb/buildpacks/x/dependencies/a/w.tar.xz',
      via: 'buildpack',
      reason: 'Using the copy inside the buildpack (offline package); nothing is downloaded',
    });
  });

  it('prefers a mapping to a mirror', () => {
    expect(chooseSource(dependency, everything, undefined)).toEqual({
      uri: 'https://cache.example/w.tar.xz',
      via: 'mapping',
      reason: 'Using mapping from binding "maps" (dependency-mapping, key ' + SHA + '): https://cache.example/w.tar.xz',
    });
  });

  it('uses a mirror when no mapping names the checksum', () => {
    expect(chooseSource({ ...dependency, sha256: OTHER }, everything, undefined)).toEqual({
      uri: `https://mirror.example/github.com${PATH}`,
      via: 'mirror',
      reason: `Using mirror from binding "mirror" (dependency-mirror, key default) for ${GITHUB}: https://mirror.example/github.com${PATH}`,
    });
  });

  it('keeps the original URI with nothing configured', () => {
    expect(chooseSource(dependency, redirection({}, []), undefined)).toEqual({ uri: GITHUB, via: 'original', reason: '' });
  });

  it('hides a password in the log line', () => {
    const source = chooseSource(dependency, redirection({ BP_DEPENDENCY_MIRROR: 'https://user%3Asecret%40mirror.example' }, []), undefined);
    expect(source.uri).toBe(`https://user:secret@mirror.example${PATH}`);
    expect(source.reason).not.toContain('secret');
    expect(source.reason).toContain(`https://user:***@mirror.example${PATH}`);
  });
});

describe('redactCredentials', () => {
  it.each([
    ['https://u:p@h.example/x', 'https://u:***@h.example/x'],
    ['https://u@h.example/x', 'https://u@h.example/x'],
    ['file:///x', 'file:///x'],
    ['not a uri', 'not a uri'],
  ])('%s -> %s', (uri, shown) => {
    expect(redactCredentials(uri)).toBe(shown);
  });
});

describe('redactedError', () => {
  it('hides the password of the URI wherever the message names it, keeping the kind', () => {
    const uri = 'https://u:secret@m.example/w.tar.xz';
    const error = redactedError(new BuildpackError('download', `cannot download ${uri} after 2 attempts: HTTP 503 (${uri})`), uri) as BuildpackError;
    expect(error).toBeInstanceOf(BuildpackError);
    expect(error.kind).toBe('download');
    expect(error.message).toBe('cannot download https://u:***@m.example/w.tar.xz after 2 attempts: HTTP 503 (https://u:***@m.example/w.tar.xz)');
  });

  it('leaves other errors alone', () => {
    const plain = new BuildpackError('download', 'cannot download https://m.example/w: HTTP 404');
    expect(redactedError(plain, 'https://m.example/w')).toBe(plain);
    expect(redactedError('text', 'https://u:p@m.example/w')).toBe('text');
  });
});
