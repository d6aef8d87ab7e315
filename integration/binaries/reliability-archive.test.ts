// Hostile and broken watchexec archives through the BUILT bin/build, as .tar.gz
// and .tar.xz: each is refused with a message naming the archive and the entry,
// nothing is written outside the staging directory, no layer is left, and a good
// layer from an earlier build is untouched.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archive, entry, header, pax } from '../../src/archive/testdata/tar-writer';
import {
  LAUNCH_PLAN,
  listTree,
  makeArchive,
  makeBuildpack,
  makeWorkspace,
  requireBuiltBinary,
  runBuild,
  writePlan,
  type Run,
  type TestArchive,
} from './harness';
import { snapshot, tempDirs } from './reliability-helpers';

type Format = 'gz' | 'xz';
const FORMATS: Format[] = ['gz', 'xz'];
const TOP = 'watchexec-2.5.1-x86_64-unknown-linux-musl';
const BINARY = '#!/bin/sh\necho "watchexec 2.5.1 (hostile test)"\n';

const dirs = tempDirs('arc');
let older: TestArchive;
/** A directory outside everything the build may touch; hostile entries aim at it. */
let victim: string;
let victimBefore: Record<string, string>;

function compress(tar: Buffer, format: Format): Buffer {
  return format === 'gz' ? gzipSync(tar) : execFileSync('xz', ['-c', '-0', '--format=xz'], { input: tar, maxBuffer: 1 << 30 });
}

const dir = (name: string) => entry({ name, type: '5', mode: 0o755 });
const file = (name: string, body: string | Buffer = 'x', mode = 0o644) =>
  Buffer.byteLength(name) < 100 ? entry({ name, body, mode }) : Buffer.concat([pax({ path: name }), entry({ name: 'long', body, mode })]);
/** A link entry; long targets go into a PAX linkpath record, as Go's archive/tar writes them. */
const link = (name: string, type: '1' | '2', target: string) =>
  Buffer.byteLength(target) < 100 ? entry({ name, type, linkname: target }) : Buffer.concat([pax({ linkpath: target }), entry({ name, type, linkname: 'long' })]);
const binary = () => file(`${TOP}/watchexec`, BINARY, 0o755);

interface Outcome {
  result: Run;
  uri: string;
}

/**
 * Builds with `bytes` as the watchexec 2.5.1 archive (file://), in a workspace that holds a good
 * 2.4.1 layer from an earlier build; checks the build failed and changed nothing, anywhere.
 */
async function refused(name: string, bytes: Buffer, format: Format): Promise<Outcome> {
  const root = await dirs.make(name);
  const archiveFile = path.join(root, `${TOP}.tar.${format}`);
  await fs.writeFile(archiveFile, bytes);
  const uri = pathToFileURL(archiveFile).href;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const bp = await makeBuildpack(root, [
    { version: '2.5.1', arch: 'amd64', uri, sha256 },
    { ...older, uri: pathToFileURL(older.file).href },
  ]);
  const ws = await makeWorkspace(path.join(root, 'ws'), { BP_LIVE_RELOAD_ENABLED: 'true', BP_LIVE_RELOAD_SYNC_HELPER: 'false' });
  await writePlan(ws, LAUNCH_PLAN);
  await fs.writeFile(path.join(ws.app, 'Procfile'), 'web: python3 server.py\n');

  // The earlier, good build (2.4.1), as the next build finds it: layer and toml restored, launch.toml gone.
  await fs.writeFile(path.join(ws.platform, 'env', 'BP_WATCHEXEC_VERSION'), '2.4.1');
  const first = await runBuild(bp, ws);
  expect(first.exitCode, first.output).toBe(0);
  await fs.rm(path.join(ws.platform, 'env', 'BP_WATCHEXEC_VERSION'));
  await fs.rm(path.join(ws.layers, 'launch.toml'));
  const before = { ws: await snapshot(ws.root), archiveDir: await listTree(root) };

  const result = await runBuild(bp, ws);
  expect(result.exitCode, result.output).toBe(1);
  expect(result.stderr).not.toContain('ERROR (unexpected');
  expect(result.stderr).toContain(`archive ${uri}`);
  expect(result.stderr).toContain('nothing was installed');
  expect(await snapshot(ws.root)).toEqual(before.ws);
  expect(await listTree(root)).toEqual(before.archiveDir);
  expect(await snapshot(victim)).toEqual(victimBefore);
  return { result, uri };
}

/** `top/` followed by enough `..` to climb from the staging directory to `/`, then `target`. */
function climb(target: string): string {
  return `${TOP}/${'../'.repeat(40)}${target.replace(/^\//, '')}`;
}

beforeAll(async () => {
  requireBuiltBinary();
  const fixtures = await dirs.make('fixtures');
  older = await makeArchive(fixtures, '2.4.1', 'amd64', 'gz');
  victim = await dirs.make('victim');
  await fs.writeFile(path.join(victim, 'secret'), 'original\n');
  victimBefore = await snapshot(victim);
});
afterAll(() => dirs.cleanup());

describe.each(FORMATS)('hostile .tar.%s archives through the built bin/build', (format) => {
  it('refuses a ".." name that climbs out of the staging directory', async () => {
    const name = climb(`${victim}/pwned`);
    const { result } = await refused('dotdot', compress(archive(dir(`${TOP}/`), binary(), file(name, 'pwned')), format), format);
    expect(result.stderr).toContain(`entry "${name}" contains a ".." component`);
    expect(existsSync(path.join(victim, 'pwned'))).toBe(false);
  });

  it('refuses an absolute name', async () => {
    const name = `${victim}/pwned`;
    const { result } = await refused('absolute', compress(archive(dir(`${TOP}/`), binary(), file(name, 'pwned')), format), format);
    expect(result.stderr).toContain(`entry "${name}" is an absolute path`);
  });

  it.each([
    ['an absolute target', () => victim],
    ['a relative target climbing out', () => '../'.repeat(40) + victim.slice(1)],
  ])('refuses a symlink to %s, and the file meant to go through it', async (_, target) => {
    const tar = archive(dir(`${TOP}/`), binary(), link(`${TOP}/escape`, '2', target()), file(`${TOP}/escape/pwned`, 'pwned'));
    const { result } = await refused('symlink', compress(tar, format), format);
    expect(result.stderr).toContain(`symlink "${TOP}/escape" points outside the archive (to "${target()}")`);
  });

  it('refuses a symlink that escapes through another symlink of the archive (l -> ., m -> l/..)', async () => {
    const tar = archive(
      dir(`${TOP}/`),
      binary(),
      entry({ name: `${TOP}/l`, type: '2', linkname: '.' }),
      entry({ name: `${TOP}/m`, type: '2', linkname: 'l/..' }),
    );
    const { result } = await refused('symlink-chain', compress(tar, format), format);
    expect(result.stderr).toContain(`symlink "${TOP}/m" points outside the archive (to "l/..")`);
  });

  it.each([
    ['an absolute path', () => `${victim}/secret`],
    ['a path climbing out', () => climb(`${victim}/secret`)],
  ])('refuses a hard link to %s', async (_, target) => {
    const tar = archive(dir(`${TOP}/`), binary(), link(`${TOP}/h`, '1', target()));
    const { result } = await refused('hardlink', compress(tar, format), format);
    expect(result.stderr).toContain(`hard link "${TOP}/h" points outside the archive or to a file not extracted before it ("${target()}")`);
  });

  it.each([
    ['3', 'character-device'],
    ['4', 'block-device'],
    ['6', 'fifo'],
  ])('refuses a device node or FIFO (typeflag %s)', async (type, kind) => {
    const tar = archive(dir(`${TOP}/`), binary(), entry({ name: `${TOP}/dev`, type }));
    const { result } = await refused(`device-${type}`, compress(tar, format), format);
    expect(result.stderr).toContain(`entry "${TOP}/dev" is a ${kind}, which a release archive never contains`);
  });

  it('refuses an archive without a watchexec binary', async () => {
    const tar = archive(dir(`${TOP}/`), file(`${TOP}/LICENSE`, 'Apache-2.0\n'));
    const { result, uri } = await refused('missing', compress(tar, format), format);
    expect(result.stderr).toContain(`archive ${uri} has no "watchexec" binary at its top level (after strip-components); nothing was installed`);
  });

  it('refuses a watchexec that is not executable', async () => {
    const tar = archive(dir(`${TOP}/`), file(`${TOP}/watchexec`, BINARY, 0o644));
    const { result, uri } = await refused('not-executable', compress(tar, format), format);
    expect(result.stderr).toContain(`archive ${uri}: "watchexec" is not executable (mode 644); nothing was installed`);
  });

  it.each([
    ['a directory', () => [dir(`${TOP}/watchexec/`), file(`${TOP}/watchexec/watchexec`, BINARY, 0o755)]],
    ['a symlink', () => [file(`${TOP}/LICENSE`, 'x', 0o755), entry({ name: `${TOP}/watchexec`, type: '2', linkname: 'LICENSE' })]],
  ])('refuses a watchexec that is %s', async (_, entries) => {
    const tar = archive(dir(`${TOP}/`), ...entries());
    const { result, uri } = await refused('not-a-file', compress(tar, format), format);
    expect(result.stderr).toContain(`archive ${uri}: "watchexec" is not a regular file; nothing was installed`);
  });

  it('refuses an archive whose bin is not a directory, with a clear message', async () => {
    const tar = archive(dir(`${TOP}/`), binary(), file(`${TOP}/bin`, 'not a directory'));
    const { result, uri } = await refused('bin-file', compress(tar, format), format);
    expect(result.stderr).toContain(`archive ${uri}: cannot place "watchexec" in bin/`);
  });

  it('refuses a truncated archive', async () => {
    const full = compress(archive(dir(`${TOP}/`), file(`${TOP}/watchexec`, Buffer.alloc(200_000, 7), 0o755)), format);
    await refused('truncated', full.subarray(0, full.length >> 1), format);
  });

  it('refuses more than 10000 entries (a bomb of tiny files)', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => entry({ name: `${TOP}/f${i}`, body: '' }));
    const { result } = await refused('entries', compress(archive(dir(`${TOP}/`), binary(), ...many), format), format);
    expect(result.stderr).toContain('more than 10000 entries');
  });
});

describe('decompression bombs through the built bin/build', () => {
  /** One file of 640 MiB of zeros: tiny compressed (concatenated gzip members / xz streams), past the 512 MiB bound. */
  function bomb(format: Format): Buffer {
    const chunk = Buffer.alloc(64 * 1024 * 1024);
    const head = header({ name: `${TOP}/zeros`, size: 10 * chunk.length, mode: 0o644 });
    const compressedChunk = compress(chunk, format);
    return Buffer.concat([compress(Buffer.concat([archive(dir(`${TOP}/`)).subarray(0, 512), head]), format), ...Array(10).fill(compressedChunk)]);
  }

  it.each(FORMATS)('refuses a .tar.%s that decompresses past 512 MiB', async (format) => {
    const bytes = bomb(format);
    expect(bytes.length).toBeLessThan(2 * 1024 * 1024);
    const { result } = await refused(`bomb-${format}`, bytes, format);
    expect(result.stderr).toContain(`it decompresses to more than ${512 * 1024 * 1024} bytes`);
  });
});
