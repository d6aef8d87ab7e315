import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { sniffCompression } from './decompress';
import { DEFAULT_LIMITS, extractDependencyArchive, type ExtractLimits } from './extract-dependency';
import { archive, entry, header } from './testdata/tar-writer';

const LABEL = 'archive test';
const TOP = 'watchexec-2.5.1-x86_64-unknown-linux-musl';
const BINARY = Buffer.from(`#!/bin/sh\necho watchexec 2.5.1\n${'\u0000\u0001\u00ff'.repeat(2000)}`, 'latin1');

let root: string;
let counter = 0;

/** A fresh working dir holding an empty `dest/` and a sentinel `outside/` next to it. */
function workdir(): { dir: string; dest: string; outside: string } {
  const dir = path.join(root, `case-${++counter}`);
  mkdirSync(path.join(dir, 'dest'), { recursive: true });
  mkdirSync(path.join(dir, 'outside'));
  return { dir, dest: path.join(dir, 'dest'), outside: path.join(dir, 'outside') };
}

/** Files under `dir`, relative, sorted, directories with a trailing slash. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => {
      const rel = `${prefix}${d.name}`;
      return d.isDirectory() && !d.isSymbolicLink() ? [`${rel}/`, ...tree(path.join(dir, d.name), `${rel}/`)] : [rel];
    })
    .sort();
}

async function refusal(file: string, dest: string, strip = 1, limits: ExtractLimits = DEFAULT_LIMITS): Promise<BuildpackError> {
  const error = await extractDependencyArchive(file, dest, strip, LABEL, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BuildpackError);
  expect((error as BuildpackError).kind).toBe('archive');
  expect((error as BuildpackError).message).toMatch(/^archive test: .*; nothing was installed$/s);
  return error as BuildpackError;
}

/** Writes a tar built with the test writer, gzipped or not, and returns its path. */
function written(dir: string, tar: Buffer, gzip = false): string {
  const file = path.join(dir, gzip ? 'a.tar.gz' : 'a.tar');
  writeFileSync(file, gzip ? gzipSync(tar) : tar);
  return file;
}

const dirEntry = (name: string) => entry({ name, type: '5', mode: 0o755 });

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'extract-dependency-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('extractDependencyArchive: release-like archives made by GNU tar', () => {
  let src: string;
  beforeAll(() => {
    src = path.join(root, 'release');
    const top = path.join(src, TOP);
    mkdirSync(path.join(top, 'completions'), { recursive: true });
    writeFileSync(path.join(top, 'watchexec'), BINARY, { mode: 0o755 });
    writeFileSync(path.join(top, 'README.md'), '# watchexec\n', { mode: 0o644 });
    writeFileSync(path.join(top, 'LICENSE'), 'Apache-2.0\n', { mode: 0o644 });
    writeFileSync(path.join(top, 'completions', 'zsh'), '#compdef watchexec\n', { mode: 0o600 });
    symlinkSync('../README.md', path.join(top, 'completions', 'README'));
    linkSync(path.join(top, 'LICENSE'), path.join(top, 'LICENSE-copy'));
  });

  it.each([
    ['-cJf', 'tar.xz', 'xz'],
    ['-czf', 'tar.gz', 'gzip'],
    ['-cf', 'tar', 'none'],
  ])('tar %s: strips the top directory and keeps contents, modes and links', async (flag, ext, compression) => {
    const { dir, dest } = workdir();
    const file = path.join(dir, `w.${ext}`);
    execFileSync('tar', ['--sort=name', flag, file, '-C', src, TOP]);
    expect(await sniffCompression(file)).toBe(compression);

    await extractDependencyArchive(file, dest, 1, LABEL);

    expect(tree(dest)).toEqual(['LICENSE', 'LICENSE-copy', 'README.md', 'completions/', 'completions/README', 'completions/zsh', 'watchexec']);
    expect(readFileSync(path.join(dest, 'watchexec')).equals(BINARY)).toBe(true);
    expect(statSync(path.join(dest, 'watchexec')).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(dest, 'README.md')).mode & 0o777).toBe(0o644);
    expect(statSync(path.join(dest, 'completions', 'zsh')).mode & 0o777).toBe(0o600);
    expect(readlinkSync(path.join(dest, 'completions', 'README'))).toBe('../README.md');
    expect(readFileSync(path.join(dest, 'completions', 'README'), 'utf8')).toBe('# watchexec\n');
    expect(statSync(path.join(dest, 'LICENSE-copy')).ino).toBe(statSync(path.join(dest, 'LICENSE')).ino);
  });

  it('strip-components 0 keeps the top directory', async () => {
    const { dir, dest } = workdir();
    const file = path.join(dir, 'w.tar.xz');
    execFileSync('tar', ['-cJf', file, '-C', src, TOP]);
    await extractDependencyArchive(file, dest, 0, LABEL);
    expect(readFileSync(path.join(dest, TOP, 'watchexec')).equals(BINARY)).toBe(true);
    expect(statSync(path.join(dest, TOP, 'watchexec')).mode & 0o777).toBe(0o755);
  });

  it('strip-components 2 drops what is not deep enough', async () => {
    const { dir, dest } = workdir();
    const file = path.join(dir, 'w.tar.gz');
    execFileSync('tar', ['-czf', file, '-C', src, `${TOP}/README.md`, `${TOP}/completions/zsh`]);
    await extractDependencyArchive(file, dest, 2, LABEL);
    expect(tree(dest)).toEqual(['zsh']);
  });

  it('judges symlinks against the stripped root: ../README.md leaves it at strip-components 2', async () => {
    const { dir, dest } = workdir();
    const file = path.join(dir, 'w.tar.gz');
    execFileSync('tar', ['-czf', file, '-C', src, `${TOP}/completions`]);
    expect((await refusal(file, dest, 2)).message).toBe(
      `archive test: symlink "${TOP}/completions/README" points outside the archive (to "../README.md"); nothing was installed`,
    );
  });
});

describe('extractDependencyArchive: modes', () => {
  it.each([
    [0o755, 0o755],
    [0o644, 0o644],
    [0o600, 0o600],
    [0o777, 0o755], // group/other write dropped
    [0o4755, 0o755], // setuid dropped
    [0o2775, 0o755],
    [0o100, 0o100],
  ])('a file stored with mode %o is written with %o', async (stored, expected) => {
    const { dir, dest } = workdir();
    await extractDependencyArchive(written(dir, archive(entry({ name: 'top/f', mode: stored, body: 'x' }))), dest, 1, LABEL);
    expect(statSync(path.join(dest, 'f')).mode & 0o7777).toBe(expected);
  });
});

describe('extractDependencyArchive: refusals', () => {
  it.each([
    ['top/../../evil', 'entry "top/../../evil" contains a ".." component'],
    ['../evil', 'entry "../evil" contains a ".." component'],
    ['top/a/../b', 'entry "top/a/../b" contains a ".." component'],
    ['/etc/evil', 'entry "/etc/evil" is an absolute path'],
  ])('refuses the name %j', async (name, problem) => {
    const { dir, dest, outside } = workdir();
    const error = await refusal(written(dir, archive(dirEntry('top/'), entry({ name, body: 'pwned' }))), dest);
    expect(error.message).toBe(`archive test: ${problem}; nothing was installed`);
    expect(tree(outside)).toEqual([]);
    expect(existsSync(path.join(dir, 'evil'))).toBe(false);
  });

  it('refuses an absolute name written by GNU tar -P', async () => {
    const { dir, dest } = workdir();
    const victim = path.join(dir, 'outside', 'victim');
    writeFileSync(victim, 'original');
    const file = path.join(dir, 'abs.tar.gz');
    execFileSync('tar', ['-P', '-czf', file, victim]);
    const error = await refusal(file, dest, 0);
    expect(error.message).toBe(`archive test: entry "${victim}" is an absolute path; nothing was installed`);
    expect(readFileSync(victim, 'utf8')).toBe('original');
  });

  it.each([
    ['../../outside/x', 'outside the stripped top directory'],
    ['../x', 'into the stripped top directory parent'],
    ['/etc/passwd', 'absolute'],
  ])('refuses a symlink made by GNU tar that points to %j (%s)', async (target) => {
    const { dir, dest } = workdir();
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'top'), { recursive: true });
    writeFileSync(path.join(src, 'top', 'watchexec'), 'x', { mode: 0o755 });
    symlinkSync(target, path.join(src, 'top', 'link'));
    const file = path.join(dir, 'a.tar.xz');
    execFileSync('tar', ['--sort=name', '-cJf', file, '-C', src, 'top']);
    const error = await refusal(file, dest);
    expect(error.message).toBe(`archive test: symlink "top/link" points outside the archive (to "${target}"); nothing was installed`);
    expect(existsSync(path.join(dest, 'link'))).toBe(false);
  });

  it('refuses a file written through a symlink of the archive, even one pointing inside', async () => {
    const { dir, dest, outside } = workdir();
    const tar = archive(
      dirEntry('top/'),
      dirEntry('top/sub/'),
      entry({ name: 'top/alias', type: '2', linkname: 'sub' }),
      entry({ name: 'top/alias/evil', body: 'x' }),
    );
    const error = await refusal(written(dir, tar, true), dest);
    expect(error.message).toBe('archive test: entry "top/alias/evil" would be written through a symlink of the archive; nothing was installed');
    expect(tree(dest)).toEqual(['alias', 'sub/']);
    expect(tree(outside)).toEqual([]);
  });

  it('refuses a directory created through a symlink of the archive', async () => {
    const { dir, dest } = workdir();
    const tar = archive(dirEntry('top/'), dirEntry('top/sub/'), entry({ name: 'top/alias', type: '2', linkname: 'sub' }), dirEntry('top/alias/deeper/'));
    expect((await refusal(written(dir, tar), dest)).message).toBe(
      'archive test: entry "top/alias/deeper/" would be written through a symlink of the archive; nothing was installed',
    );
  });

  it.each([
    ['/etc/passwd'],
    ['../../outside/victim'],
    ['top/not-yet-extracted'],
    ['top/a-directory/'],
    ['top/link-to-file'],
  ])('refuses a hard link to %j', async (linkname) => {
    const { dir, dest, outside } = workdir();
    writeFileSync(path.join(outside, 'victim'), 'original');
    const tar = archive(
      dirEntry('top/'),
      dirEntry('top/a-directory/'),
      entry({ name: 'top/file', body: 'f' }),
      entry({ name: 'top/link-to-file', type: '2', linkname: 'file' }),
      entry({ name: 'top/h', type: '1', linkname }),
      entry({ name: 'top/not-yet-extracted', body: 'later' }),
    );
    const error = await refusal(written(dir, tar), dest);
    expect(error.message).toBe(
      `archive test: hard link "top/h" points outside the archive or to a file not extracted before it ("${linkname}"); nothing was installed`,
    );
    expect(readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('original');
  });

  it('accepts a hard link to a file extracted before it, both stripped', async () => {
    const { dir, dest } = workdir();
    const tar = archive(dirEntry('top/'), entry({ name: 'top/file', body: 'f', mode: 0o755 }), entry({ name: 'top/h', type: '1', linkname: 'top/file' }));
    await extractDependencyArchive(written(dir, tar), dest, 1, LABEL);
    expect(statSync(path.join(dest, 'h')).ino).toBe(statSync(path.join(dest, 'file')).ino);
  });

  it.each([
    ['3', 'entry "top/null" is a character-device, which a release archive never contains'],
    ['4', 'entry "top/null" is a block-device, which a release archive never contains'],
    ['6', 'entry "top/null" is a fifo, which a release archive never contains'],
    ['S', 'entry "top/null" is a type "S" entry, which a release archive never contains'],
    ['V', 'entry "top/null" is a type "V" entry, which a release archive never contains'],
  ])('refuses typeflag %j', async (type, problem) => {
    const { dir, dest } = workdir();
    const tar = archive(dirEntry('top/'), entry({ name: 'top/watchexec', body: 'x', mode: 0o755 }), entry({ name: 'top/null', type }));
    expect((await refusal(written(dir, tar), dest)).message).toBe(`archive test: ${problem}; nothing was installed`);
    expect(existsSync(path.join(dest, 'null'))).toBe(false);
  });

  it.each([
    ['-czf', 'tar.gz'],
    ['-cJf', 'tar.xz'],
  ])('refuses a decompression bomb (tar %s) once it passes limits.maxBytes', async (flag, ext) => {
    const { dir, dest } = workdir();
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'top'), { recursive: true });
    writeFileSync(path.join(src, 'top', 'zeros'), Buffer.alloc(4 * 1024 * 1024));
    const file = path.join(dir, `bomb.${ext}`);
    execFileSync('tar', [flag, file, '-C', src, 'top']);
    expect(statSync(file).size).toBeLessThan(64 * 1024);
    const error = await refusal(file, dest, 1, { maxBytes: 256 * 1024, maxEntries: 100 });
    expect(error.message).toBe(`archive test: it decompresses to more than ${256 * 1024} bytes; nothing was installed`);
  });

  it('refuses more entries than limits.maxEntries', async () => {
    const { dir, dest } = workdir();
    const tar = archive(dirEntry('top/'), ...['a', 'b', 'c', 'd'].map((n) => entry({ name: `top/${n}`, body: n })));
    expect((await refusal(written(dir, tar), dest, 1, { maxBytes: 1 << 20, maxEntries: 3 })).message).toBe(
      'archive test: more than 3 entries; nothing was installed',
    );
    await extractDependencyArchive(written(workdir().dir, tar), workdir().dest, 1, LABEL, { maxBytes: 1 << 20, maxEntries: 5 });
  });

  it('refuses an entry stored twice', async () => {
    const { dir, dest } = workdir();
    const tar = archive(dirEntry('top/'), entry({ name: 'top/watchexec', body: 'one' }), entry({ name: 'top/watchexec', body: 'two' }));
    expect((await refusal(written(dir, tar), dest)).message).toBe('archive test: an entry is stored twice or collides with a link; nothing was installed');
    expect(readFileSync(path.join(dest, 'watchexec'), 'utf8')).toBe('one');
  });

  it('refuses a file that would replace a symlink of the archive', async () => {
    const { dir, dest, outside } = workdir();
    const tar = archive(dirEntry('top/'), entry({ name: 'top/x', type: '2', linkname: 'y' }), entry({ name: 'top/x', body: 'through' }));
    expect((await refusal(written(dir, tar), dest)).message).toBe('archive test: an entry is stored twice or collides with a link; nothing was installed');
    expect(existsSync(path.join(dest, 'y'))).toBe(false);
    expect(tree(outside)).toEqual([]);
  });

  it('refuses garbage that is not an archive', async () => {
    const { dir, dest } = workdir();
    const file = path.join(dir, 'garbage.tar.xz');
    writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
    expect((await refusal(file, dest)).message).toBe(
      'archive test: corrupt tar data at entry 1: header checksum mismatch (corrupt or not a tar stream); nothing was installed',
    );
  });

  it('refuses a corrupt header further in, naming the entry', async () => {
    const { dir, dest } = workdir();
    const bad = header({ name: 'top/third' });
    bad[0] = 0x78;
    const tar = archive(dirEntry('top/'), entry({ name: 'top/a', body: 'a' }), bad);
    expect((await refusal(written(dir, tar, true), dest)).message).toBe(
      'archive test: corrupt tar data at entry 3: header checksum mismatch (corrupt or not a tar stream); nothing was installed',
    );
  });

  it('refuses a truncated tar', async () => {
    const { dir, dest } = workdir();
    const tar = archive(dirEntry('top/'), entry({ name: 'top/watchexec', body: BINARY }));
    expect((await refusal(written(dir, tar.subarray(0, 2000)), dest)).message).toBe(
      'archive test: corrupt tar data at entry 2: unexpected end of input inside the content of "top/watchexec"; nothing was installed',
    );
  });

  it.each([
    ['gzip', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(100, 0x42)])],
    ['xz', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(100, 0x42)])],
  ])('refuses garbage behind %s magic bytes', async (_, data) => {
    const { dir, dest } = workdir();
    const file = path.join(dir, 'x');
    writeFileSync(file, data);
    expect((await refusal(file, dest)).message).toMatch(/^archive test: cannot be extracted: .+; nothing was installed$/s);
  });

  it.each([
    ['-czf', 'tar.gz'],
    ['-cJf', 'tar.xz'],
  ])('refuses a truncated tar %s', async (flag, ext) => {
    const { dir, dest } = workdir();
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'top'), { recursive: true });
    writeFileSync(path.join(src, 'top', 'watchexec'), Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251)));
    const full = path.join(dir, `full.${ext}`);
    execFileSync('tar', [flag, full, '-C', src, 'top']);
    const cut = path.join(dir, `cut.${ext}`);
    const bytes = readFileSync(full);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await refusal(cut, dest);
  });

  it('refuses a symlink whose target escapes through another symlink of the archive', async () => {
    const { dir, dest } = workdir();
    const tar = archive(dirEntry('top/'), entry({ name: 'top/l', type: '2', linkname: '.' }), entry({ name: 'top/m', type: '2', linkname: 'l/..' }));
    const file = written(dir, tar);
    const outcome = await extractDependencyArchive(file, dest, 1, LABEL).then(
      () => 'extracted',
      () => 'refused',
    );
    if (outcome === 'extracted') {
      // Show the escape is real: the kernel resolves the accepted link to the directory holding
      // dest (realpathSync.native; the JS realpathSync normalises link targets lexically too).
      expect(lstatSync(path.join(dest, 'm')).isSymbolicLink()).toBe(true);
      expect(realpathSync.native(path.join(dest, 'm'))).toBe(realpathSync.native(dir));
    }
    expect(outcome).toBe('refused');
  });
});
