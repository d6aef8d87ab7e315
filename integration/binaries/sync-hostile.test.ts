// Hostile streams (written with Go's archive/tar by streamgen's spec mode)
// against our tar, in-process: each case has an exact outcome, and in every
// case nothing outside the root changes and no temp file is left.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIO, makeTemp, recordingSession, snapshot, type TreeEntry } from '../../src/sync/tar-fixture';
import { runTar } from '../../src/sync/tar-command';
import { goAvailable, spec, tempNames } from './sync-harness';

let parent: string;
let root: string;
let sibling: string;
let before: { parent: string[]; sibling: Map<string, TreeEntry> };

beforeEach(async () => {
  parent = await makeTemp('hostile');
  root = path.join(parent, 'root');
  sibling = path.join(parent, 'sibling');
  await fs.mkdir(root);
  await fs.mkdir(sibling);
  await fs.writeFile(path.join(sibling, 'canary'), 'untouched');
  await fs.utimes(path.join(sibling, 'canary'), 1_000_000_000, 1_000_000_000);
  await fs.utimes(sibling, 1_000_000_000, 1_000_000_000);
  before = { parent: await fs.readdir(parent), sibling: await snapshot(sibling) };
});

afterEach(async () => {
  // Outside the root: the same names, the same sibling (content, mtime, link count).
  expect(await fs.readdir(parent)).toEqual(before.parent);
  expect(await snapshot(sibling)).toEqual(before.sibling);
  expect((await fs.stat(sibling)).mtimeMs).toBe(1_000_000_000_000);
  expect(await tempNames(root)).toEqual([]);
  await fs.rm(parent, { recursive: true, force: true });
});

async function extract(stream: Buffer) {
  const io = captureIO(stream);
  const session = recordingSession();
  const code = await runTar(['-C', root, '-x', '-f', '-'], io, session, { uid: 0, umask: 0o022 });
  const tree = await snapshot(root);
  return { code, err: io.err(), calls: session.calls, tree: Object.fromEntries([...tree].map(([name, entry]) => [name, entry.type === 'symlink' ? `-> ${entry.link}` : entry.type])) };
}

const file = (name: string, content = 'x'): object => ({ name, type: 'file', content });

describe.runIf(goAvailable())('hostile streams', () => {
  it('refuses ".." names, with GNU\'s message, and extracts the rest', async () => {
    const result = await extract(await spec([file('../evil'), file('a/../../evil2'), file(`${'d/'.repeat(60)}../../../x`), file('ok')]));
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      [
        "tar: ../evil: Member name contains '..'",
        "tar: a/../../evil2: Member name contains '..'",
        `tar: ${'d/'.repeat(60)}../../../x: Member name contains '..'`,
        'tar: Exiting with failure status due to previous errors',
        '',
      ].join('\n'),
    );
    expect(result.tree).toEqual({ ok: 'file' });
  });

  it('refuses a file through an absolute symlink planted by the same stream', async () => {
    const result = await extract(await spec([{ name: 'esc', type: 'symlink', linkname: sibling }, file('esc/pwned'), file('after')]));
    expect(result.code).toBe(2);
    expect(result.err).toContain('tar: esc/pwned: refusing to extract through the symlink "esc" that this stream created\n');
    expect(result.tree).toEqual({ after: 'file', esc: `-> ${sibling}` });
  });

  it('refuses a file through a relative symlink planted by the same stream, even one pointing inside', async () => {
    const result = await extract(
      await spec([
        { name: 'sub', type: 'dir' },
        { name: 'in', type: 'symlink', linkname: 'sub' },
        file('in/f'),
        { name: 'up', type: 'symlink', linkname: '../sibling' },
        file('up/pwned'),
        { name: 'deep/x', type: 'symlink', linkname: '../../sibling' },
        file('deep/x/y/z'),
      ]),
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain('tar: in/f: refusing to extract through the symlink "in" that this stream created\n');
    expect(result.err).toContain('tar: up/pwned: refusing to extract through the symlink "up" that this stream created\n');
    expect(result.err).toContain('tar: deep/x/y/z: refusing to extract through the symlink "deep/x" that this stream created\n');
    expect(result.tree).toEqual({ deep: 'dir', 'deep/x': '-> ../../sibling', in: '-> sub', sub: 'dir', up: '-> ../sibling' });
  });

  it('refuses a member through a pre-existing symlink that leads outside the root, directly or by a chain', async () => {
    await fs.symlink(sibling, path.join(root, 'pre'));
    await fs.symlink('../sibling', path.join(root, 'inner'));
    await fs.symlink('inner', path.join(root, 'chain'));
    const result = await extract(await spec([file('pre/x'), file('chain/y'), { name: 'pre/d', type: 'dir' }, { name: 'chain/l', type: 'symlink', linkname: 'z' }]));
    expect(result.code).toBe(2);
    for (const name of ['pre/x', 'chain/y', 'pre/d', 'chain/l']) {
      const via = name.split('/')[0]!;
      expect(result.err).toContain(`tar: ${name}: refusing to extract through the symlink "${via}", which leads outside ${root}\n`);
    }
    expect(result.tree).toEqual({ chain: '-> inner', inner: '-> ../sibling', pre: `-> ${sibling}` });
  });

  it('replaces (never follows) a symlink at the member path itself: file over a link to the canary, directory over a link to the sibling', async () => {
    await fs.symlink(path.join(sibling, 'canary'), path.join(root, 'victim'));
    await fs.symlink(sibling, path.join(root, 'dirlink'));
    const result = await extract(await spec([file('victim', 'overwritten?'), { name: 'dirlink', type: 'dir', mode: 0o700 }, file('dirlink/inside')]));
    expect(result.code).toBe(0);
    expect(result.tree).toEqual({ dirlink: 'dir', 'dirlink/inside': 'file', victim: 'file' });
  });

  it('refuses hard links out of the root; an absolute target is stripped into the root like GNU tar', async () => {
    await fs.symlink(sibling, path.join(root, 'pre'));
    const result = await extract(
      await spec([
        { name: 'h1', type: 'hardlink', linkname: '../sibling/canary' },
        { name: 'h2', type: 'hardlink', linkname: path.join(sibling, 'canary') },
        { name: 'h3', type: 'hardlink', linkname: 'pre/canary' },
        { name: 'h4', type: 'hardlink', linkname: '' },
      ]),
    );
    expect(result.code).toBe(2);
    const stripped = path.join(sibling, 'canary').slice(1);
    expect(result.err).toBe(
      [
        'tar: h1: refusing a hard link to ‘../sibling/canary’: the target contains a ".." component',
        "tar: Removing leading `/' from hard link targets",
        `tar: h2: Cannot hard link to ‘${stripped}’: No such file or directory`,
        `tar: h3: refusing to extract through the symlink "pre", which leads outside ${root}`,
        'tar: h4: refusing a hard link to ‘’: the target names the extraction directory itself',
        'tar: Exiting with failure status due to previous errors',
        '',
      ].join('\n'),
    );
    expect(result.tree).toEqual({ pre: `-> ${sibling}` });
  });

  it('refuses a file through a hard link to a planted symlink (the link is a symlink too)', async () => {
    const result = await extract(await spec([{ name: 's', type: 'symlink', linkname: sibling }, { name: 'h', type: 'hardlink', linkname: 's' }, file('h/x')]));
    expect(result.code).toBe(2);
    expect(result.err).toContain('tar: h/x: refusing to extract through the symlink "h" that this stream created\n');
    expect(result.tree).toEqual({ h: `-> ${sibling}`, s: `-> ${sibling}` });
  });

  it('refuses device nodes, FIFOs and unknown entry types, and goes on', async () => {
    const result = await extract(
      await spec([
        { name: 'null', type: 'char', devmajor: 1, devminor: 3 },
        { name: 'disk', type: 'block', devmajor: 8, devminor: 0 },
        { name: 'pipe', type: 'fifo' },
        { name: 'weird', type: 'Z' },
        file('ok'),
      ]),
    );
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      [
        'tar: null: refusing to extract a character device: the sync helper only extracts files, directories and links',
        'tar: disk: refusing to extract a block device: the sync helper only extracts files, directories and links',
        'tar: pipe: refusing to extract a fifo: the sync helper only extracts files, directories and links',
        "tar: weird: refusing to extract an entry of unknown type 'Z': the sync helper only extracts files, directories and links",
        'tar: Exiting with failure status due to previous errors',
        '',
      ].join('\n'),
    );
    expect(result.tree).toEqual({ ok: 'file' });
  });

  it('keeps complete files and leaves no partial one when cut inside a header, a small body or a large body', async () => {
    const stream = await spec([file('a', 'complete'), { name: 'small', type: 'file', size: 3000 }, { name: 'large', type: 'file', size: 600_000 }, file('z')]);
    // Offsets: a = 0..1024, small header 1024, body 1536..4608, large header 4608, body 5120..605184, z header 605184.
    const cuts: [number, string, Record<string, string>][] = [
      [1024 + 200, 'entry #2 (the one after "a")', { a: 'file' }],
      [1536 + 1000, 'entry #2 ("small")', { a: 'file' }],
      [5120 + 300_000, 'entry #3 ("large")', { a: 'file', small: 'file' }],
      [605_184 + 100, 'entry #4 (the one after "large")', { a: 'file', large: 'file', small: 'file' }],
    ];
    for (const [length, where, tree] of cuts) {
      await fs.rm(root, { recursive: true });
      await fs.mkdir(root);
      const result = await extract(stream.subarray(0, length));
      expect(result.code, where).toBe(2);
      expect(result.err).toContain(`tar: truncated or corrupt stream at ${where}`);
      expect(result.err).toMatch(/tar: Error is not recoverable: exiting now\n$/);
      expect(result.tree).toEqual(tree);
      expect(result.calls).toEqual([{ call: 'begin', kind: 'copy', form: 'tilt' }, { call: 'end' }]);
    }
  });

  it('refuses garbage without touching anything or opening a session', async () => {
    const garbage = Buffer.alloc(10_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 7) % 256;
    const result = await extract(garbage);
    expect(result).toMatchObject({ code: 2, calls: [], tree: {} });
    expect(result.err).toContain('header checksum mismatch (corrupt or not a tar stream)');
  });

  it('refuses a ".." hidden in a long (PAX) path', async () => {
    const result = await extract(await spec([file(`${'long/'.repeat(30)}../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../escape`), file('ok')]));
    expect(result.code).toBe(2);
    expect(result.err).toContain("Member name contains '..'");
    expect(result.tree).toEqual({ ok: 'file' });
  });
});
