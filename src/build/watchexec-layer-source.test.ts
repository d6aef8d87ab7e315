// The watchexec layer fetches from the source the locator chooses (offline
// copy, mapping, mirror), logs why, and still verifies buildpack.toml's checksum.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dependency } from '../cnb/buildpack-toml';
import { DEFAULT_DOWNLOAD_OPTIONS } from '../dependency/download';
import type { Source } from '../dependency/redirect';
import { createLogger } from '../log/logger';
import { provideWatchexecLayer } from './watchexec-layer';

const root = mkdtempSync(path.join(tmpdir(), 'layer-source-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function archive(name: string): { file: string; sha256: string } {
  const dir = mkdtempSync(path.join(root, 'src-'));
  const top = path.join(dir, 'watchexec-2.5.1-x86_64-unknown-linux-musl');
  mkdirSync(top);
  writeFileSync(path.join(top, 'watchexec'), '#!/bin/sh\necho fake\n', { mode: 0o755 });
  const file = path.join(dir, name);
  execFileSync('tar', ['-cJf', file, '-C', dir, path.basename(top)]);
  return { file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
}

const dependency = (sha256: string): Dependency => ({
  id: 'watchexec',
  name: 'watchexec',
  version: '2.5.1',
  uri: 'https://github.com/watchexec/watchexec/releases/download/v2.5.1/w.tar.xz',
  sha256,
  arch: 'amd64',
  os: 'linux',
  purl: '',
  cpes: [],
  licenses: [],
  source: '',
  sourceSha256: '',
  stripComponents: 1,
});

async function provide(dep: Dependency, source: Source) {
  const layersDir = mkdtempSync(path.join(root, 'layers-'));
  const lines: string[] = [];
  const located: Dependency[] = [];
  const result = provideWatchexecLayer({
    layersDir,
    dependency: dep,
    types: { launch: true, build: false, cache: false },
    log: createLogger((line) => lines.push(line), 'INFO'),
    download: { ...DEFAULT_DOWNLOAD_OPTIONS, attempts: 1 },
    locate: async (d) => {
      located.push(d);
      return source;
    },
  });
  return { result, lines, located, layersDir };
}

describe('provideWatchexecLayer with a located source', () => {
  it('downloads from the chosen URI and logs why before the download', async () => {
    const a = archive('mirrored.tar.xz');
    const reason = 'Using mirror from BP_DEPENDENCY_MIRROR for https://github.com/...: file://...';
    const { result, lines, located } = await provide(dependency(a.sha256), { uri: pathToFileURL(a.file).href, via: 'mirror', reason });
    expect((await result).reused).toBe(false);
    expect(located.map((d) => d.sha256)).toEqual([a.sha256]);
    const at = lines.findIndex((l) => l.includes(reason));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe(`    Downloading ${pathToFileURL(a.file).href}`);
  });

  it('still verifies the checksum, leaving no layer behind', async () => {
    const a = archive('wrong.tar.xz');
    const { result, layersDir } = await provide(dependency('0'.repeat(64)), { uri: pathToFileURL(a.file).href, via: 'mapping', reason: 'Using mapping ...' });
    await expect(result).rejects.toThrow(`checksum mismatch for ${pathToFileURL(a.file).href}: expected sha256:${'0'.repeat(64)}, got sha256:${a.sha256}`);
    expect(readdirSync(layersDir)).toEqual([]);
  });

  it('logs a password in the URI as ***', async () => {
    const { result, lines } = await provide(dependency('1'.repeat(64)), { uri: 'https://u:secret@127.0.0.1:9/w.tar.xz', via: 'mirror', reason: '' });
    await expect(result).rejects.toThrow();
    expect(lines.join('\n')).toContain('Downloading https://u:***@127.0.0.1:9/w.tar.xz');
  });
});
