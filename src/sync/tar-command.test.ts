// runTar in-process on hand-made streams: GNU tar's semantics for modes,
// owners, mtimes and replacements (as checked against GNU tar 1.34), the
// session contract, and the stream errors. Parity on Go-made streams and the
// hostile cases live in integration/binaries/sync-*.test.ts.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Owners } from './owners';
import { captureIO, makeTemp, recordingSession, snapshot, tarEntry, tarStream, type FixtureEntry } from './tar-fixture';
import { runTar, type TarEnv } from './tar-command';
import { TEMP_MARKER } from './temp-files';

const isRoot = process.getuid?.() === 0;
const ROOT_ENV: TarEnv = { uid: 0, umask: 0o022 };
const USER_ENV: TarEnv = { uid: 1000, umask: 0o022 };
const T1 = 1_500_000_000;
const T2 = 1_600_000_000;

let dir: string;
let root: string;

beforeEach(async () => {
  dir = await makeTemp('tar');
  root = path.join(dir, 'root');
  await fs.mkdir(root);
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function tar(args: string[], stdin: Buffer | Buffer[], env: TarEnv = ROOT_ENV) {
  const io = captureIO(stdin);
  const session = recordingSession();
  const code = await runTar(args, io, session, env);
  return { code, out: io.out(), err: io.err(), calls: session.calls };
}

const tilt = (): string[] => ['-C', root, '-x', '-f', '-'];
const skaffold = (): string[] => ['xmf', '-', '-C', root, '--no-same-owner'];

async function tempLeftovers(under: string): Promise<string[]> {
  return [...(await snapshot(under, false)).keys()].filter((name) => name.includes(TEMP_MARKER));
}

describe('runTar: Tilt-style streams', () => {
  const stream = tarStream([
    { name: 'app', type: 'dir', mode: 0o755, mtime: T1 },
    { name: 'app/src', type: 'dir', mode: 0o750, mtime: T1 + 1 },
    { name: 'app/src/main.js', content: 'console.log(1)\n', mode: 0o644, mtime: T2 },
    { name: 'app/run.sh', content: '#!/bin/sh\n', mode: 0o755, mtime: T2 + 1 },
    { name: 'app/empty', content: '', mode: 0o600, mtime: T2 + 2 },
    { name: 'app/link', type: 'symlink', linkname: 'src/main.js', mtime: T2 + 3 },
    { name: 'app/abs', type: 'symlink', linkname: '/etc/hostname', mtime: T2 + 4 },
  ]);

  it('extracts files, directories and symlinks with their modes and mtimes, and brackets the work with the session', async () => {
    const result = await tar(tilt(), stream);
    expect(result).toMatchObject({ code: 0, out: '', err: '' });
    expect(result.calls).toEqual([{ call: 'begin', kind: 'copy', form: 'tilt' }, { call: 'end' }]);
    const tree = await snapshot(root);
    expect([...tree.keys()]).toEqual(['app', 'app/abs', 'app/empty', 'app/link', 'app/run.sh', 'app/src', 'app/src/main.js']);
    expect(tree.get('app/src/main.js')).toMatchObject({ type: 'file', mode: 0o644, mtimeMs: T2 * 1000, content: Buffer.from('console.log(1)\n').toString('base64') });
    expect(tree.get('app/run.sh')).toMatchObject({ mode: 0o755, mtimeMs: (T2 + 1) * 1000 });
    expect(tree.get('app/empty')).toMatchObject({ mode: 0o600, content: '' });
    expect(tree.get('app/link')).toMatchObject({ type: 'symlink', link: 'src/main.js', mtimeMs: (T2 + 3) * 1000 });
    expect(tree.get('app/abs')).toMatchObject({ type: 'symlink', link: '/etc/hostname' });
    // Directory attributes are set after their contents were written (GNU's delayed set_stat).
    expect(tree.get('app')).toMatchObject({ type: 'dir', mode: 0o755, mtimeMs: T1 * 1000 });
    expect(tree.get('app/src')).toMatchObject({ mode: 0o750, mtimeMs: (T1 + 1) * 1000 });
  });

  it('prints member names as archived with -v', async () => {
    const result = await tar(['-C', root, '-xv', '-f', '-'], tarStream([{ name: './a/', type: 'dir' }, { name: '/a/b', content: 'x' }]));
    expect(result.out).toBe('./a/\n/a/b\n');
    expect(result.err).toBe("tar: Removing leading `/' from member names\n");
    expect(result.code).toBe(0);
  });

  it('strips leading slashes (saying so once) and "." components', async () => {
    const result = await tar(tilt(), tarStream([{ name: '/x/./y', content: '1' }, { name: '//x/z', content: '2' }, { name: './w', content: '3' }]));
    expect(result.err).toBe("tar: Removing leading `/' from member names\n");
    expect([...(await snapshot(root)).keys()]).toEqual(['w', 'x', 'x/y', 'x/z']);
  });

  it('creates missing parent directories with 0777 minus the umask', async () => {
    await tar(tilt(), tarStream([{ name: 'p/q/r', content: 'x' }]), { uid: 0, umask: 0o027 });
    const tree = await snapshot(root);
    expect(tree.get('p')?.mode).toBe(0o750);
    expect(tree.get('p/q')?.mode).toBe(0o750);
  });

  it('streams a large file in odd-sized chunks intact', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    const bytes = tarStream([{ name: 'big.bin', content: big, mtime: T2 }, { name: 'after', content: 'ok' }]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 9973) chunks.push(bytes.subarray(i, i + 9973));
    const result = await tar(tilt(), chunks);
    expect(result.code).toBe(0);
    expect((await fs.readFile(path.join(root, 'big.bin'))).equals(big)).toBe(true);
    expect(await fs.readFile(path.join(root, 'after'), 'utf8')).toBe('ok');
    expect((await fs.stat(path.join(root, 'big.bin'))).mtimeMs).toBe(T2 * 1000);
  });
});

describe('runTar: modes and owners like GNU tar', () => {
  const entries: FixtureEntry[] = [
    { name: 'd', type: 'dir', mode: 0o2755, mtime: T1 },
    { name: 'd/suid', content: 'x', mode: 0o6755, uid: 5, gid: 6 },
    { name: 'd/rw', content: 'x', mode: 0o666 },
    { name: 'ro', type: 'dir', mode: 0o555, mtime: T1 },
    { name: 'ro/f', content: 'x', mode: 0o400 },
  ];

  it.runIf(isRoot)('as root: archived modes as is (setuid/setgid too) and archived owners', async () => {
    const result = await tar(tilt(), tarStream(entries), { ...ROOT_ENV, owners: new Owners({ passwd: '/nonexistent', group: '/nonexistent' }) });
    expect(result.code).toBe(0);
    const tree = await snapshot(root);
    expect(tree.get('d')).toMatchObject({ mode: 0o2755, mtimeMs: T1 * 1000 });
    expect(tree.get('d/suid')).toMatchObject({ mode: 0o6755, uid: 5, gid: 6 });
    expect(tree.get('d/rw')).toMatchObject({ mode: 0o666, uid: 0 });
    expect(tree.get('ro')).toMatchObject({ mode: 0o555 });
    expect(tree.get('ro/f')).toMatchObject({ mode: 0o400 });
  });

  it.runIf(isRoot)('as root with --no-same-owner (Skaffold): modes as is, owned by the extracting user, mtimes not restored', async () => {
    const before = Date.now();
    const result = await tar(skaffold(), tarStream(entries));
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.calls[0]).toEqual({ call: 'begin', kind: 'copy', form: 'skaffold' });
    const tree = await snapshot(root);
    expect(tree.get('d/suid')).toMatchObject({ mode: 0o6755, uid: 0, gid: 0 });
    expect(tree.get('d/rw')?.mode).toBe(0o666);
    expect(tree.get('d/suid')!.mtimeMs).toBeGreaterThanOrEqual(before - 1000);
    expect(tree.get('d')!.mtimeMs).toBeGreaterThanOrEqual(before - 1000);
  });

  it('as root with --no-same-permissions: rwx bits minus the umask', async () => {
    const result = await tar([...tilt(), '--no-same-permissions', '--no-same-owner'], tarStream(entries));
    expect(result.code).toBe(0);
    const tree = await snapshot(root);
    expect(tree.get('d')?.mode).toBe(0o755);
    expect(tree.get('d/suid')?.mode).toBe(0o755);
    expect(tree.get('d/rw')?.mode).toBe(0o644);
  });

  it('as a non-root user: rwx bits minus the umask, no chown, read-only directories still filled', async () => {
    const result = await tar(tilt(), tarStream(entries), USER_ENV);
    expect(result).toMatchObject({ code: 0, err: '' });
    const tree = await snapshot(root);
    const me = process.getuid?.() ?? 0;
    expect(tree.get('d')).toMatchObject({ mode: 0o755, mtimeMs: T1 * 1000 });
    expect(tree.get('d/suid')).toMatchObject({ mode: 0o755, uid: me });
    expect(tree.get('d/rw')?.mode).toBe(0o644);
    expect(tree.get('ro')?.mode).toBe(0o555);
    expect(tree.get('ro/f')).toMatchObject({ mode: 0o400, content: Buffer.from('x').toString('base64') });
  });

  it('as a non-root user with -p: archived modes as is', async () => {
    const result = await tar(['-C', root, '-xpf', '-'], tarStream(entries.slice(0, 3)), USER_ENV);
    expect(result.code).toBe(0);
    const tree = await snapshot(root);
    expect(tree.get('d/rw')?.mode).toBe(0o666);
    expect(tree.get('d')?.mode).toBe(0o2755);
  });

  it.runIf(isRoot)("maps owners by name through the container's passwd and group files first, like GNU tar", async () => {
    await fs.writeFile(path.join(dir, 'passwd'), 'root:x:0:0::/root:/bin/sh\ncnb:x:1000:1000::/home/cnb:/bin/sh\n');
    await fs.writeFile(path.join(dir, 'group'), 'root:x:0:\ncnb:x:1001:\n');
    const owners = new Owners({ passwd: path.join(dir, 'passwd'), group: path.join(dir, 'group') });
    const result = await tar(
      tilt(),
      tarStream([
        { name: 'named', content: 'x', uid: 0, gid: 0, uname: 'cnb', gname: 'cnb' },
        { name: 'unknown', content: 'x', uid: 7, gid: 8, uname: 'nobody-here', gname: 'nobody-here' },
        { name: 'dir', type: 'dir', uid: 0, gid: 0, uname: 'cnb', gname: 'root' },
      ]),
      { ...ROOT_ENV, owners },
    );
    expect(result.code).toBe(0);
    const tree = await snapshot(root);
    expect(tree.get('named')).toMatchObject({ uid: 1000, gid: 1001 });
    expect(tree.get('unknown')).toMatchObject({ uid: 7, gid: 8 });
    expect(tree.get('dir')).toMatchObject({ uid: 1000, gid: 0 });
  });
});

describe('runTar: what is already there', () => {
  it('replaces an existing file by a new inode (other hard links keep the old content)', async () => {
    await fs.writeFile(path.join(root, 'f'), 'old');
    await fs.link(path.join(root, 'f'), path.join(root, 'other-link'));
    const result = await tar(tilt(), tarStream([{ name: 'f', content: 'new', mtime: T2 }]));
    expect(result.code).toBe(0);
    expect(await fs.readFile(path.join(root, 'f'), 'utf8')).toBe('new');
    expect(await fs.readFile(path.join(root, 'other-link'), 'utf8')).toBe('old');
  });

  it('replaces a symlink at a file path instead of writing through it', async () => {
    await fs.writeFile(path.join(dir, 'outside'), 'keep');
    await fs.symlink(path.join(dir, 'outside'), path.join(root, 'f'));
    await tar(tilt(), tarStream([{ name: 'f', content: 'new' }]));
    expect(await fs.readFile(path.join(dir, 'outside'), 'utf8')).toBe('keep');
    expect((await fs.lstat(path.join(root, 'f'))).isFile()).toBe(true);
  });

  it('replaces an empty directory by a file, and fails (exit 2) on a non-empty one like GNU tar', async () => {
    await fs.mkdir(path.join(root, 'empty'));
    await fs.mkdir(path.join(root, 'full/sub'), { recursive: true });
    const result = await tar(tilt(), tarStream([{ name: 'empty', content: 'x' }, { name: 'full', content: 'x' }, { name: 'later', content: 'y' }]));
    expect(result.code).toBe(2);
    expect(result.err).toBe('tar: full: Cannot open: File exists\ntar: Exiting with failure status due to previous errors\n');
    const tree = await snapshot(root);
    expect(tree.get('empty')?.type).toBe('file');
    expect(tree.get('full')?.type).toBe('dir');
    expect(tree.get('later')?.type).toBe('file');
    expect(await tempLeftovers(root)).toEqual([]);
  });

  it('replaces a file, or a symlink even to a directory, by a directory (as GNU tar 1.34 does)', async () => {
    await fs.writeFile(path.join(root, 'was-file'), 'x');
    await fs.mkdir(path.join(dir, 'elsewhere'));
    await fs.symlink(path.join(dir, 'elsewhere'), path.join(root, 'was-link'));
    const result = await tar(tilt(), tarStream([{ name: 'was-file', type: 'dir', mode: 0o700, mtime: T1 }, { name: 'was-link', type: 'dir' }, { name: 'was-link/in', content: 'x' }]));
    expect(result.code).toBe(0);
    const tree = await snapshot(root);
    expect(tree.get('was-file')).toMatchObject({ type: 'dir', mode: 0o700, mtimeMs: T1 * 1000 });
    expect(tree.get('was-link')?.type).toBe('dir');
    expect(tree.get('was-link/in')?.type).toBe('file');
    expect(await fs.readdir(path.join(dir, 'elsewhere'))).toEqual([]);
  });

  it('sets mode and mtime of an existing directory from its entry', async () => {
    await fs.mkdir(path.join(root, 'd'), { mode: 0o777 });
    await fs.chmod(path.join(root, 'd'), 0o777);
    await tar(tilt(), tarStream([{ name: 'd', type: 'dir', mode: 0o750, mtime: T1 }]));
    expect((await snapshot(root)).get('d')).toMatchObject({ mode: 0o750, mtimeMs: T1 * 1000 });
  });

  it('follows an existing symlink to a directory inside the root for parent directories, like GNU tar', async () => {
    await fs.mkdir(path.join(root, 'real'));
    await fs.symlink('real', path.join(root, 'alias'));
    const result = await tar(tilt(), tarStream([{ name: 'alias/f', content: 'x' }]));
    expect(result.code).toBe(0);
    expect(await fs.readFile(path.join(root, 'real/f'), 'utf8')).toBe('x');
  });

  it('fails a member whose parent is a file, and goes on', async () => {
    await fs.writeFile(path.join(root, 'file'), 'x');
    const result = await tar(tilt(), tarStream([{ name: 'file/x', content: 'x' }, { name: 'ok', content: 'y' }]));
    expect(result.code).toBe(2);
    expect(result.err).toContain('tar: file/x: Cannot open: Not a directory\n');
    expect(await fs.readFile(path.join(root, 'ok'), 'utf8')).toBe('y');
  });
});

describe('runTar: links', () => {
  it('hard-links to a member extracted earlier (absolute target names are stripped like GNU tar)', async () => {
    const result = await tar(tilt(), tarStream([{ name: 'a', content: 'x' }, { name: 'b', type: 'hardlink', linkname: '/a' }, { name: 'b', type: 'hardlink', linkname: 'a' }]));
    expect(result.err).toBe("tar: Removing leading `/' from hard link targets\n");
    expect(result.code).toBe(0);
    const [a, b] = await Promise.all([fs.stat(path.join(root, 'a')), fs.stat(path.join(root, 'b'))]);
    expect(b.ino).toBe(a.ino);
    expect(await tempLeftovers(root)).toEqual([]); // the second link is a no-op rename
  });

  it('fails a hard link to a missing file with GNU tar\'s message', async () => {
    const result = await tar(tilt(), tarStream([{ name: 'b', type: 'hardlink', linkname: 'missing' }]));
    expect(result.code).toBe(2);
    expect(result.err).toContain('tar: b: Cannot hard link to ‘missing’: No such file or directory\n');
  });

  it('replaces an existing file by a symlink', async () => {
    await fs.writeFile(path.join(root, 'l'), 'x');
    await tar(tilt(), tarStream([{ name: 'l', type: 'symlink', linkname: 'target' }]));
    expect(await fs.readlink(path.join(root, 'l'))).toBe('target');
  });
});

describe('runTar: stream errors and the session', () => {
  it('refuses an empty stdin like GNU tar, without touching anything', async () => {
    const result = await tar(tilt(), Buffer.alloc(0));
    expect(result).toMatchObject({ code: 2, calls: [] });
    expect(result.err).toBe('tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous errors\n');
  });

  it('refuses garbage, naming the first entry', async () => {
    const result = await tar(tilt(), Buffer.alloc(5000, 'garbage!'));
    expect(result).toMatchObject({ code: 2, calls: [] });
    expect(result.err).toMatch(/^tar: truncated or corrupt stream at entry #1 \(the first\), byte 0: header checksum mismatch/);
  });

  it('accepts a stream that ends on an entry boundary without the trailer, and a lone zero block', async () => {
    expect((await tar(tilt(), tarStream([{ name: 'a', content: 'x' }], { trailer: false }))).code).toBe(0);
    expect((await tar(tilt(), Buffer.alloc(512))).code).toBe(0);
  });

  it('keeps complete files and removes the partial one when the stream is cut inside a body', async () => {
    const first = tarEntry({ name: 'a', content: 'complete' });
    const second = tarEntry({ name: 'b', content: Buffer.alloc(400 * 1024, 1) });
    const result = await tar(tilt(), Buffer.concat([first, second.subarray(0, 512 + 100 * 1024)]));
    expect(result.code).toBe(2);
    expect(result.err).toContain('tar: truncated or corrupt stream at entry #2 ("b")');
    expect(result.err).toContain('unexpected end of input inside the content of "b"');
    expect([...(await snapshot(root)).keys()]).toEqual(['a']);
    expect(result.calls).toEqual([{ call: 'begin', kind: 'copy', form: 'tilt' }, { call: 'end' }]);
  });

  it('names the entry after the last complete one when the stream is cut inside a header', async () => {
    const bytes = Buffer.concat([tarEntry({ name: 'a', content: 'x' }), tarEntry({ name: 'b', content: 'y' }).subarray(0, 300)]);
    const result = await tar(tilt(), bytes);
    expect(result.code).toBe(2);
    expect(result.err).toContain('entry #2 (the one after "a")');
    expect([...(await snapshot(root)).keys()]).toEqual(['a']);
  });

  it('fails cleanly when the -C directory does not exist', async () => {
    const result = await tar(['-C', path.join(dir, 'missing'), '-x', '-f', '-'], tarStream([{ name: 'a', content: 'x' }]));
    expect(result).toMatchObject({ code: 2, calls: [] });
    expect(result.err).toBe(`tar: ${path.join(dir, 'missing')}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n`);
  });

  it('resolves -C options one after the other, like GNU tar', async () => {
    await fs.mkdir(path.join(root, 'sub'));
    const result = await tar(['-C', root, '-C', 'sub', '-x', '-f', '-'], tarStream([{ name: 'a', content: 'x' }]));
    expect(result.code).toBe(0);
    expect(await fs.readFile(path.join(root, 'sub/a'), 'utf8')).toBe('x');
  });

  it('warns but still extracts when the session cannot be told, and does not end a session that never began', async () => {
    const io = captureIO(tarStream([{ name: 'a', content: 'x' }]));
    let ended = false;
    const failing = { begin: () => Promise.reject(new Error('gate is down')), end: async () => void (ended = true) };
    expect(await runTar(tilt(), io, failing, ROOT_ENV)).toBe(0);
    expect(io.err()).toBe('tar: warning: could not tell the live-reload session about this sync: gate is down\n');
    expect(ended).toBe(false);
    expect(await fs.readFile(path.join(root, 'a'), 'utf8')).toBe('x');
  });
});
