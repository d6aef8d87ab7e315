import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dependency } from '../cnb/buildpack-toml';
import { archiveFileName, findOfflineCopy, offlineArchivePath, offlineTomlPath, renderOfflineToml } from './offline';

const root = mkdtempSync(path.join(tmpdir(), 'offline-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SHA = 'c'.repeat(64);
const URI = 'https://github.com/watchexec/watchexec/releases/download/v2.5.1/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz';
const dependency: Dependency = {
  id: 'watchexec',
  name: 'watchexec',
  version: '2.5.1',
  uri: URI,
  sha256: SHA,
  arch: 'amd64',
  os: 'linux',
  purl: 'pkg:generic/watchexec@2.5.1?arch=amd64',
  cpes: ['cpe:2.3:a:watchexec:watchexec:2.5.1:*:*:*:*:*:*:*'],
  licenses: ['Apache-2.0'],
  source: '',
  sourceSha256: '',
  stripComponents: 1,
};

describe('the offline layout', () => {
  it('names the archive after its URI', () => {
    expect(archiveFileName(URI)).toBe('watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz');
    expect(archiveFileName('file:///deps/a%20b.tar.gz')).toBe('a b.tar.gz');
    expect(archiveFileName('https://h.example/')).toBe('archive');
    expect(archiveFileName('https://h.example/x/%2E%2E')).toBe('archive');
    expect(archiveFileName('https://h.example/x/a%2Fb')).toBe('archive');
    expect(archiveFileName('not a uri')).toBe('archive');
    expect(offlineArchivePath(dependency)).toBe(`dependencies/${SHA}/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz`);
    expect(offlineTomlPath(dependency)).toBe(`dependencies/${SHA}.toml`);
  });

  it('describes the archive in <sha256>.toml', () => {
    expect(parse(renderOfflineToml(dependency, 'https://mirror.example/w.tar.xz'))).toEqual({
      id: 'watchexec',
      name: 'watchexec',
      version: '2.5.1',
      uri: URI,
      sha256: SHA,
      checksum: `sha256:${SHA}`,
      os: 'linux',
      arch: 'amd64',
      purl: 'pkg:generic/watchexec@2.5.1?arch=amd64',
      cpes: ['cpe:2.3:a:watchexec:watchexec:2.5.1:*:*:*:*:*:*:*'],
      licenses: ['Apache-2.0'],
      file: 'watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz',
      'fetched-from': 'https://mirror.example/w.tar.xz',
    });
  });
});

describe('findOfflineCopy', () => {
  it('finds dependencies/<sha256>/<file> as a file:// URI', async () => {
    const bp = mkdtempSync(path.join(root, 'bp-'));
    const file = path.join(bp, offlineArchivePath(dependency));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'x');
    writeFileSync(path.join(path.dirname(file), 'other'), 'y');
    expect(await findOfflineCopy(bp, dependency)).toBe(pathToFileURL(file).href);
  });

  it('takes the only file when the name differs, and nothing when ambiguous or absent', async () => {
    const bp = mkdtempSync(path.join(root, 'bp-'));
    expect(await findOfflineCopy(bp, dependency)).toBeUndefined();
    const dir = path.join(bp, 'dependencies', SHA);
    mkdirSync(path.join(dir, 'a-directory'), { recursive: true });
    expect(await findOfflineCopy(bp, dependency)).toBeUndefined();
    writeFileSync(path.join(dir, 'renamed.tar.xz'), 'x');
    expect(await findOfflineCopy(bp, dependency)).toBe(pathToFileURL(path.join(dir, 'renamed.tar.xz')).href);
    writeFileSync(path.join(dir, 'second.tar.xz'), 'y');
    expect(await findOfflineCopy(bp, dependency)).toBeUndefined();
  });
});
