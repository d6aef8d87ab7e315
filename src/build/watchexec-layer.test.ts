import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dependency } from '../cnb/buildpack-toml';
import { BuildpackError } from '../errors';
import { createLogger } from '../log/logger';
import { canReuse, LAYER_NAME, layerMetadataFor, provideWatchexecLayer } from './watchexec-layer';

const SHA = '9efabd08de720c1ee7e57b487fe11904f0966828e76146e2b5ea5deee90626be';
const dependency: Dependency = {
  id: 'watchexec',
  name: 'watchexec',
  version: '2.5.1',
  uri: 'https://github.com/watchexec/watchexec/releases/download/v2.5.1/watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz',
  sha256: SHA,
  arch: 'amd64',
  os: 'linux',
  purl: '',
  cpes: [],
  licenses: [],
  source: '',
  sourceSha256: '',
  stripComponents: 1,
};
const same = layerMetadataFor(dependency);
const LAUNCH = { launch: true, build: false, cache: false };
const BUILD = { launch: false, build: true, cache: true };
const BOTH = { launch: true, build: true, cache: true };

describe('layerMetadataFor', () => {
  it('records version, checksum, uri and arch', () => {
    expect(LAYER_NAME).toBe('watchexec');
    expect(same).toEqual({ version: '2.5.1', checksum: `sha256:${SHA}`, uri: dependency.uri, arch: 'amd64' });
  });
});

describe('canReuse', () => {
  it.each([
    ['same checksum, launch only, no contents -> reuse', same, LAUNCH, false, true],
    ['same checksum, launch only, with contents -> reuse', same, LAUNCH, true, true],
    ['same checksum, build layer with the binary -> reuse', same, BUILD, true, true],
    ['same checksum, build layer without the binary -> install', same, BUILD, false, false],
    ['same checksum, launch+build without the binary -> install', same, BOTH, false, false],
    ['same checksum, launch+build with the binary -> reuse', same, BOTH, true, true],
    ['nothing restored -> install', undefined, LAUNCH, true, false],
    ['restored without a checksum -> install', { version: '2.5.1' }, LAUNCH, true, false],
    ['a different checksum -> install', { ...same, checksum: `sha256:${'0'.repeat(64)}` }, LAUNCH, true, false],
    ['a bare checksum without the sha256: prefix -> install', { ...same, checksum: SHA }, LAUNCH, true, false],
    ['same checksum, other version label -> reuse', { ...same, version: '2.5.0' }, LAUNCH, false, true],
  ])('%s', (_, restored, types, binaryPresent, expected) => {
    expect(canReuse(restored, dependency, types, binaryPresent)).toBe(expected);
  });
});

describe('provideWatchexecLayer (file:// archives made by GNU tar)', () => {
  let root: string;
  let n = 0;
  const BINARY = '#!/bin/sh\necho fake watchexec\n';

  /** A release-shaped .tar.xz holding `files` under one top directory, as a file:// dependency. */
  function release(files: Record<string, { content: string; mode: number }>, version = '2.5.1'): Dependency {
    const dir = path.join(root, `release-${++n}`);
    const top = path.join(dir, `watchexec-${version}-x86_64-unknown-linux-musl`);
    mkdirSync(top, { recursive: true });
    for (const [name, { content, mode }] of Object.entries(files)) writeFileSync(path.join(top, name), content, { mode });
    const file = path.join(dir, 'w.tar.xz');
    execFileSync('tar', ['-cJf', file, '-C', dir, path.basename(top)]);
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    return { ...dependency, version, uri: pathToFileURL(file).href, sha256 };
  }

  function layers(): { layersDir: string; lines: string[]; log: ReturnType<typeof createLogger> } {
    const layersDir = path.join(root, `layers-${++n}`);
    mkdirSync(layersDir);
    const lines: string[] = [];
    return { layersDir, lines, log: createLogger((line) => lines.push(line), 'INFO') };
  }

  async function failure(promise: Promise<unknown>): Promise<BuildpackError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BuildpackError);
    return error as BuildpackError;
  }

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'watchexec-layer-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('installs bin/watchexec, writes the layer toml, and leaves no staging directory', async () => {
    const dep = release({ watchexec: { content: BINARY, mode: 0o755 }, 'README.md': { content: 'r', mode: 0o644 } });
    const { layersDir, lines, log } = layers();
    const result = await provideWatchexecLayer({ layersDir, dependency: dep, types: LAUNCH, log });
    const binary = path.join(layersDir, 'watchexec', 'bin', 'watchexec');
    expect(result).toEqual({ binary, reused: false });
    expect(readFileSync(binary, 'utf8')).toBe(BINARY);
    expect(statSync(binary).mode & 0o777).toBe(0o755);
    expect(readdirSync(path.join(layersDir, 'watchexec')).sort()).toEqual(['README.md', 'bin']);
    expect(parse(readFileSync(path.join(layersDir, 'watchexec.toml'), 'utf8'))).toEqual({ types: LAUNCH, metadata: layerMetadataFor(dep) });
    expect(readdirSync(layersDir).sort()).toEqual(['watchexec', 'watchexec.toml']);
    expect(lines[0]).toBe('  Installing watchexec 2.5.1');
    expect(lines).toContain(`    Verifying checksum: sha256:${dep.sha256} matches (${statSync(new URL(dep.uri)).size} bytes)`);
  });

  it('reuses a launch-only layer from its restored toml alone, rewriting the toml', async () => {
    const dep = release({ watchexec: { content: BINARY, mode: 0o755 } });
    const { layersDir, lines, log } = layers();
    // What the lifecycle restores for a launch-only layer: the toml, not the contents.
    writeFileSync(path.join(layersDir, 'watchexec.toml'), `[types]\nlaunch = true\n[metadata]\nchecksum = "sha256:${dep.sha256}"\n`);
    const result = await provideWatchexecLayer({ layersDir, dependency: { ...dep, uri: 'file:///nonexistent' }, types: LAUNCH, log });
    expect(result.reused).toBe(true);
    expect(lines).toEqual([`  Reusing cached layer ${path.join(layersDir, 'watchexec')}`]);
    expect(existsSync(path.join(layersDir, 'watchexec'))).toBe(false);
    expect(parse(readFileSync(path.join(layersDir, 'watchexec.toml'), 'utf8'))).toEqual({
      types: LAUNCH,
      metadata: layerMetadataFor({ ...dep, uri: 'file:///nonexistent' }),
    });
  });

  it('reinstalls a build layer whose binary is missing, and replaces an older layer', async () => {
    const old = release({ watchexec: { content: 'old', mode: 0o755 } }, '2.4.1');
    const dep = release({ watchexec: { content: BINARY, mode: 0o755 } });
    const { layersDir, log } = layers();
    await provideWatchexecLayer({ layersDir, dependency: old, types: BUILD, log });
    expect((await provideWatchexecLayer({ layersDir, dependency: old, types: BUILD, log })).reused).toBe(true);
    rmSync(path.join(layersDir, 'watchexec', 'bin', 'watchexec'));
    expect((await provideWatchexecLayer({ layersDir, dependency: old, types: BUILD, log })).reused).toBe(false);
    const result = await provideWatchexecLayer({ layersDir, dependency: dep, types: BUILD, log });
    expect(result.reused).toBe(false);
    expect(readFileSync(result.binary, 'utf8')).toBe(BINARY);
    expect(readdirSync(layersDir).sort()).toEqual(['watchexec', 'watchexec.toml']);
  });

  it.each([
    [{ README: { content: 'r', mode: 0o644 } }, 'has no "watchexec" binary at its top level (after strip-components); nothing was installed'],
    [{ watchexec: { content: BINARY, mode: 0o644 } }, '"watchexec" is not executable (mode 644); nothing was installed'],
  ])('refuses an archive without a usable binary (%j)', async (files, problem) => {
    const dep = release(files);
    const { layersDir, log } = layers();
    const error = await failure(provideWatchexecLayer({ layersDir, dependency: dep, types: LAUNCH, log }));
    expect([error.kind, error.message]).toEqual(['archive', `archive ${dep.uri}${problem.startsWith('has') ? ' ' : ': '}${problem}`]);
    expect(readdirSync(layersDir)).toEqual([]);
  });

  it('refuses an archive whose checksum does not match, installing nothing and keeping the old layer', async () => {
    const dep = release({ watchexec: { content: BINARY, mode: 0o755 } });
    const { layersDir, log } = layers();
    await provideWatchexecLayer({ layersDir, dependency: dep, types: BUILD, log });
    const wrong = { ...dep, sha256: '0'.repeat(64) };
    const error = await failure(provideWatchexecLayer({ layersDir, dependency: wrong, types: BUILD, log }));
    expect(error.kind).toBe('checksum');
    expect(readdirSync(layersDir).sort()).toEqual(['watchexec', 'watchexec.toml']);
    expect(readFileSync(path.join(layersDir, 'watchexec', 'bin', 'watchexec'), 'utf8')).toBe(BINARY);
  });
});
