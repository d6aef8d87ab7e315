import { execFileSync } from 'node:child_process';
import { createReadStream, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, linkSync, utimesSync, writeFileSync } from 'node:fs';
import { lutimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTar, TarFormatError, type TarHeader } from './tar-reader';
import { archive, chunked, entry, gnuLong, header, headerChecksum, pax, paxRecord, writeChecksum } from './testdata/tar-writer';

interface Read {
  header: TarHeader;
  body: Buffer;
}

async function readAll(input: AsyncIterable<Uint8Array>, options?: Parameters<typeof readTar>[1]): Promise<Read[]> {
  const out: Read[] = [];
  for await (const e of readTar(input, options)) {
    const parts: Buffer[] = [];
    for await (const chunk of e.body()) parts.push(chunk);
    out.push({ header: e.header, body: Buffer.concat(parts) });
  }
  return out;
}

async function formatError(input: AsyncIterable<Uint8Array>, options?: Parameters<typeof readTar>[1]): Promise<TarFormatError> {
  const error = await readAll(input, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TarFormatError);
  return error as TarFormatError;
}

const CHUNK_SIZES = [1, 7, 511, 512, 513, 100_000];

describe('the test tar writer', () => {
  it('writes headers whose checksum GNU tar accepts', () => {
    const tar = archive(entry({ name: 'a.txt', body: 'hello\n', mode: 0o755 }), entry({ name: 'd/', type: '5', mode: 0o755 }));
    const dir = mkdtempSync(path.join(tmpdir(), 'tar-writer-'));
    try {
      writeFileSync(path.join(dir, 'x.tar'), tar);
      expect(execFileSync('tar', ['-tvf', path.join(dir, 'x.tar')], { encoding: 'utf8' })).toMatch(/^-rwxr-xr-x user\/group\s+6 .* a\.txt\ndrwxr-xr-x user\/group\s+0 .* d\/\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('computes PAX record lengths that count themselves', () => {
    expect(paxRecord('path', 'a')).toBe('9 path=a\n');
    expect(paxRecord('path', 'x'.repeat(94))).toBe(`104 path=${'x'.repeat(94)}\n`);
    // 98 bytes after the length: two digits would make 100, which needs three.
    expect(paxRecord('path', 'x'.repeat(91))).toBe(`101 path=${'x'.repeat(91)}\n`);
    for (const n of [0, 1, 89, 90, 91, 92, 990, 995, 996]) {
      const record = paxRecord('k', 'v'.repeat(n));
      expect(Buffer.byteLength(record)).toBe(Number(record.split(' ')[0]));
    }
  });
});

describe('readTar: USTAR entries', () => {
  const body = Buffer.from(Array.from({ length: 1300 }, (_, i) => i % 251));
  const tar = archive(
    entry({ name: 'top/', type: '5', mode: 0o755, mtime: 1_600_000_000 }),
    entry({ name: 'top/bin/watchexec', mode: 0o755, uid: 1001, gid: 1002, uname: 'cnb', gname: 'cnbg', mtime: 1_700_000_123, body }),
    entry({ name: 'top/empty', mode: 0o600 }),
    entry({ name: 'top/link', type: '2', mode: 0o777, linkname: 'bin/watchexec' }),
    entry({ name: 'top/hard', type: '1', linkname: 'top/bin/watchexec' }),
    entry({ name: 'top/null', type: '3' }),
    entry({ name: 'top/disk', type: '4' }),
    entry({ name: 'top/pipe', type: '6' }),
    entry({ name: 'top/contig', type: '7', body: 'c' }),
    entry({ name: 'top/old', type: '\0', body: 'v7', magic: 'v7' }),
    entry({ name: 'top/sparse', type: 'S' }),
    entry({ name: 'file', prefix: 'top/a/very/deep/directory', body: 'p' }),
  );

  it.each(CHUNK_SIZES)('reads names, types, modes, ids, sizes, mtimes, link names and bodies (chunks of %i bytes)', async (size) => {
    const entries = await readAll(chunked(tar, size));
    expect(entries.map((e) => [e.header.name, e.header.type, e.header.typeflag, e.header.size, e.header.linkname])).toEqual([
      ['top/', 'directory', '5', 0, ''],
      ['top/bin/watchexec', 'file', '0', 1300, ''],
      ['top/empty', 'file', '0', 0, ''],
      ['top/link', 'symlink', '2', 0, 'bin/watchexec'],
      ['top/hard', 'hardlink', '1', 0, 'top/bin/watchexec'],
      ['top/null', 'character-device', '3', 0, ''],
      ['top/disk', 'block-device', '4', 0, ''],
      ['top/pipe', 'fifo', '6', 0, ''],
      ['top/contig', 'file', '7', 1, ''],
      ['top/old', 'file', '\0', 2, ''],
      ['top/sparse', 'other', 'S', 0, ''],
      ['top/a/very/deep/directory/file', 'file', '0', 1, ''],
    ]);
    expect(entries[1]!.header).toEqual({
      name: 'top/bin/watchexec',
      type: 'file',
      typeflag: '0',
      mode: 0o755,
      uid: 1001,
      gid: 1002,
      size: 1300,
      mtime: 1_700_000_123,
      linkname: '',
      uname: 'cnb',
      gname: 'cnbg',
    });
    expect(entries[0]!.header.mtime).toBe(1_600_000_000);
    expect(entries[2]!.header.mode).toBe(0o600);
    expect(entries[1]!.body.equals(body)).toBe(true);
    expect(entries[8]!.body.toString()).toBe('c');
    expect(entries[9]!.body.toString()).toBe('v7');
    expect(entries[11]!.body.toString()).toBe('p');
    expect(entries.filter((e) => e.header.type !== 'file').every((e) => e.body.length === 0)).toBe(true);
  });

  it('keeps the permission and special bits of the mode, nothing above them', async () => {
    const [e] = await readAll(chunked(archive(entry({ name: 'x', mode: 0o104755 }))));
    expect(e!.header.mode).toBe(0o4755);
  });

  it('ignores the prefix field of GNU headers (their magic is "ustar  ")', async () => {
    const [e] = await readAll(chunked(archive(entry({ name: 'name', magic: 'gnu', prefix: 'ignored' }))));
    expect(e!.header.name).toBe('name');
  });

  it('skips the bodies the caller does not read', async () => {
    const names: string[] = [];
    for await (const e of readTar(chunked(tar, 100))) names.push(e.header.name);
    expect(names).toHaveLength(12);
    expect(names[11]).toBe('top/a/very/deep/directory/file');
  });

  it('skips data stored with non-file entries, and reports their size as 0', async () => {
    const withData = Buffer.concat([header({ name: 'h', type: '1', linkname: 'x', size: 600 }), Buffer.alloc(1024, 0x41)]);
    const entries = await readAll(chunked(archive(withData, entry({ name: 'after', body: 'ok' })), 13));
    expect(entries.map((e) => [e.header.name, e.header.size, e.body.toString()])).toEqual([
      ['h', 0, ''],
      ['after', 2, 'ok'],
    ]);
  });

  it('refuses to read a body twice', async () => {
    const iterator = readTar(chunked(archive(entry({ name: 'x', body: 'abc' }))));
    const first = await iterator.next();
    const e = first.value as { body(): AsyncIterable<Buffer> };
    for await (const _ of e.body()) void _;
    await expect(async () => {
      for await (const _ of e.body()) void _;
    }).rejects.toThrowError('tar entry body read twice');
  });

  it('reads base-256 numbers (GNU, for values too large for octal)', async () => {
    const block = header({ name: 'big', uid: 0 });
    block.fill(0, 108, 116);
    block[108] = 0x80;
    block.writeUInt32BE(3_000_000_000, 112); // uid
    writeChecksum(block);
    const [e] = await readAll(chunked(archive(block)));
    expect(e!.header.uid).toBe(3_000_000_000);
  });

  it('accepts a checksum computed with signed bytes (old writers)', async () => {
    const block = header({ name: 'ÿÿÿ' }); // UTF-8 bytes above 127
    let signed = 0;
    for (let i = 0; i < 512; i++) {
      const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
      signed += byte > 127 ? byte - 256 : byte;
    }
    expect(signed).not.toBe(headerChecksum(block));
    block.write(`${signed.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const [e] = await readAll(chunked(archive(block)));
    expect(e!.header.name).toBe('ÿÿÿ');
  });
});

describe('readTar: extended headers', () => {
  const longName = `top/${'n'.repeat(150)}/${'f'.repeat(120)}.txt`;
  const longLink = `../${'l'.repeat(130)}`;

  it('applies a PAX x record (path, linkpath, size, mtime, uid, gid, uname, gname) to the next entry only', async () => {
    const tar = archive(
      pax({ path: longName, mtime: '1700000000.25', uid: '4000000', gid: '7', uname: 'long-user', gname: 'long-group', comment: 'ignored' }),
      entry({ name: 'short-name', body: 'data', uid: 1, gid: 1 }),
      pax({ linkpath: longLink }),
      entry({ name: 'top/link', type: '2', linkname: 'truncated' }),
      entry({ name: 'plain', body: 'x', mtime: 5 }),
    );
    for (const size of CHUNK_SIZES) {
      const entries = await readAll(chunked(tar, size));
      expect(entries.map((e) => e.header)).toEqual([
        { name: longName, type: 'file', typeflag: '0', mode: 0o644, uid: 4_000_000, gid: 7, size: 4, mtime: 1_700_000_000.25, linkname: '', uname: 'long-user', gname: 'long-group' },
        { name: 'top/link', type: 'symlink', typeflag: '2', mode: 0o644, uid: 1000, gid: 1000, size: 0, mtime: 1_700_000_000, linkname: longLink, uname: 'user', gname: 'group' },
        { name: 'plain', type: 'file', typeflag: '0', mode: 0o644, uid: 1000, gid: 1000, size: 1, mtime: 5, linkname: '', uname: 'user', gname: 'group' },
      ]);
      expect(entries.map((e) => e.body.toString())).toEqual(['data', '', 'x']);
    }
  });

  it('takes the size of a file from PAX over the header', async () => {
    const big = Buffer.alloc(1000, 0x62);
    const tar = archive(pax({ size: '1000' }), Buffer.concat([header({ name: 'f', size: 0 }), big, Buffer.alloc(24)]), entry({ name: 'next', body: 'n' }));
    const entries = await readAll(chunked(tar, 64));
    expect(entries.map((e) => [e.header.name, e.header.size, e.body.length])).toEqual([
      ['f', 1000, 1000],
      ['next', 1, 1],
    ]);
  });

  it('ignores PAX global (g) records', async () => {
    const tar = archive(pax({ path: 'global-name' }, 'g'), entry({ name: 'own-name', body: 'a' }));
    expect((await readAll(chunked(tar))).map((e) => e.header.name)).toEqual(['own-name']);
  });

  it('applies GNU L (long name) and K (long link) records to the next entry only', async () => {
    const tar = archive(
      gnuLong(longName, 'L'),
      entry({ name: longName.slice(0, 100), magic: 'gnu', body: 'L' }),
      gnuLong(longLink, 'K'),
      gnuLong('top/long-link-entry', 'L'),
      entry({ name: 'cut', type: '2', magic: 'gnu', linkname: 'cut' }),
      entry({ name: 'after', magic: 'gnu' }),
    );
    const entries = await readAll(chunked(tar, 7));
    expect(entries.map((e) => [e.header.name, e.header.type, e.header.linkname, e.body.toString()])).toEqual([
      [longName, 'file', '', 'L'],
      ['top/long-link-entry', 'symlink', longLink, ''],
      ['after', 'file', '', ''],
    ]);
  });

  it('PAX path wins over a GNU long name', async () => {
    const tar = archive(gnuLong('from-gnu'), pax({ path: 'from-pax' }), entry({ name: 'from-header' }));
    expect((await readAll(chunked(tar))).map((e) => e.header.name)).toEqual(['from-pax']);
  });

  it('refuses an extended header larger than maxMetaBytes', async () => {
    const tar = archive(pax({ path: 'x'.repeat(2000) }), entry({ name: 'f' }));
    const error = await formatError(chunked(tar), { maxMetaBytes: 1024 });
    expect(error.message).toBe('extended header of 2011 bytes is larger than allowed');
    expect(error.entryIndex).toBe(0);
    expect(error.offset).toBe(0);
  });

  it.each([
    ['no space', 'abc'],
    ['a length past the end', '99 path=x\n'],
    ['a zero length', '0 path=x\n'],
    ['no equals sign', '9 pathxx\n'],
  ])('refuses a malformed PAX record (%s)', async (_, body) => {
    const tar = archive(entry({ name: 'ok' }), entry({ name: 'PaxHeaders/x', type: 'x', body }), entry({ name: 'f' }));
    const error = await formatError(chunked(tar));
    expect(error.message).toBe('malformed PAX extended header record');
    expect(error.entryIndex).toBe(1);
    expect(error.offset).toBe(512);
  });
});

describe('readTar: end of input and corruption', () => {
  const one = entry({ name: 'a', body: 'x'.repeat(700) }); // 512 header + 1024 body
  const two = entry({ name: 'b', body: 'y' });

  it('ends at the first zero block', async () => {
    const tar = Buffer.concat([one, Buffer.alloc(512), two]);
    expect((await readAll(chunked(tar))).map((e) => e.header.name)).toEqual(['a']);
  });

  it('ends at end of input on an entry boundary, as GNU tar does', async () => {
    expect((await readAll(chunked(Buffer.concat([one, two])))).map((e) => e.header.name)).toEqual(['a', 'b']);
    expect(await readAll(chunked(Buffer.alloc(0)))).toEqual([]);
  });

  it.each(CHUNK_SIZES)('input cut inside a header: error at that entry (chunks of %i)', async (size) => {
    const error = await formatError(chunked(Buffer.concat([one, two.subarray(0, 300)]), size));
    expect(error.message).toBe('unexpected end of input inside a header');
    expect(error.entryIndex).toBe(1);
    expect(error.offset).toBe(1536);
  });

  it('input cut inside a body: error naming the entry', async () => {
    const error = await formatError(chunked(Buffer.concat([two, one.subarray(0, 900)]), 64));
    expect(error.message).toBe('unexpected end of input inside the content of "a"');
    expect(error.entryIndex).toBe(1);
  });

  it('input cut inside the padding after a body', async () => {
    const error = await formatError(chunked(one.subarray(0, 512 + 800)));
    expect(error.message).toBe('unexpected end of input after the content of "a"');
    expect(error.entryIndex).toBe(0);
  });

  it('input cut inside an extended header', async () => {
    const error = await formatError(chunked(pax({ path: 'x'.repeat(600) }).subarray(0, 700)));
    expect(error.message).toBe('unexpected end of input inside an extended header');
    expect(error.entryIndex).toBe(0);
  });

  it('a corrupt checksum names the entry index and offset', async () => {
    const bad = Buffer.from(two);
    bad[0] = 'c'.charCodeAt(0); // name changed, checksum not
    const error = await formatError(chunked(archive(one, two, bad)));
    expect(error.message).toBe('header checksum mismatch (corrupt or not a tar stream)');
    expect(error.entryIndex).toBe(2);
    expect(error.offset).toBe(1536 + 1024);
  });

  it('text that is not tar fails on the first header', async () => {
    const error = await formatError(chunked(Buffer.from('this is not a tar archive\n'.repeat(40))));
    expect(error.message).toBe('header checksum mismatch (corrupt or not a tar stream)');
    expect(error.entryIndex).toBe(0);
    expect(error.offset).toBe(0);
  });

  it('a size field that is not octal', async () => {
    const block = header({ name: 'f' });
    block.write('12345678x\0\0\0', 124, 'latin1');
    writeChecksum(block);
    const error = await formatError(chunked(archive(block)));
    expect(error.message).toBe('header has an invalid size field');
    expect(error.entryIndex).toBe(0);
  });

  it('a mode field that is not octal', async () => {
    const block = header({ name: 'f' });
    block.write('0009\0', 100, 'latin1');
    writeChecksum(block);
    expect((await formatError(chunked(archive(block)))).message).toBe('header has an invalid mode field');
  });
});

// Archives written by the system's GNU tar, read back and compared with the files they came from.
describe('readTar: archives made by GNU tar', () => {
  let root: string;
  const MTIME = 1_700_000_000;
  const longDir = 'd'.repeat(60);
  const longFile = 'f'.repeat(50);
  const veryLongFile = 'v'.repeat(110); // longer than the 100-byte name field: needs GNU L or PAX path
  const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'tar-reader-gnu-'));
    const make = async (tree: string, withVeryLong: boolean): Promise<void> => {
      const top = path.join(root, tree, 'top');
      mkdirSync(path.join(top, 'bin'), { recursive: true });
      mkdirSync(path.join(top, longDir));
      writeFileSync(path.join(top, 'bin', 'watchexec'), binary, { mode: 0o755 });
      writeFileSync(path.join(top, 'README.md'), '# watchexec\n', { mode: 0o644 });
      writeFileSync(path.join(top, 'empty'), '', { mode: 0o600 });
      writeFileSync(path.join(top, longDir, longFile), 'long\n');
      if (withVeryLong) writeFileSync(path.join(top, veryLongFile), 'very long\n');
      linkSync(path.join(top, 'README.md'), path.join(top, 'hard'));
      symlinkSync('bin/watchexec', path.join(top, 'link'));
      await lutimes(path.join(top, 'link'), MTIME, MTIME);
      for (const p of ['bin/watchexec', 'README.md', 'empty', `${longDir}/${longFile}`, ...(withVeryLong ? [veryLongFile] : []), 'bin', longDir, '.']) {
        utimesSync(path.join(top, p), MTIME, MTIME);
      }
    };
    await make('long', true);
    await make('short', false);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['gnu', 'long'],
    ['pax', 'long'],
    ['ustar', 'short'], // ustar splits the 115-byte path into prefix and name
  ])('--format=%s: same names as tar -t, and types, modes, sizes, mtimes, links and bytes as on disk', async (format, tree) => {
    const file = path.join(root, `${format}.tar`);
    execFileSync('tar', [`--format=${format}`, '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-cf', file, '-C', path.join(root, tree), 'top']);
    const listed = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trimEnd().split('\n');
    const entries = await readAll(createReadStream(file, { highWaterMark: 1000 }));

    expect(entries.map((e) => e.header.name)).toEqual(listed);
    expect(listed).toContain(`top/${longDir}/${longFile}`);
    if (tree === 'long') expect(listed).toContain(`top/${veryLongFile}`);

    for (const { header: h, body } of entries) {
      const onDisk = path.join(root, tree, h.name);
      const stat = lstatSync(onDisk);
      expect({ name: h.name, uid: h.uid, gid: h.gid, mtime: h.mtime }).toEqual({ name: h.name, uid: 0, gid: 0, mtime: MTIME });
      if (h.name === 'top/hard') {
        expect([h.type, h.linkname, h.size]).toEqual(['hardlink', 'top/README.md', 0]);
      } else if (stat.isDirectory()) {
        expect([h.type, h.mode, h.size]).toEqual(['directory', stat.mode & 0o7777, 0]);
      } else if (stat.isSymbolicLink()) {
        expect([h.type, h.linkname]).toEqual(['symlink', readlinkSync(onDisk)]);
      } else {
        expect([h.type, h.mode, h.size]).toEqual(['file', stat.mode & 0o7777, stat.size]);
        expect(body.equals(readFileSync(onDisk))).toBe(true);
      }
    }
    const watchexec = entries.find((e) => e.header.name === 'top/bin/watchexec')!;
    expect([watchexec.header.mode, watchexec.body.equals(binary)]).toEqual([0o755, true]);
  });
});
