// Hand-over of command lines we do not support: to the first real tool on
// PATH that is not our own binary; with none, exit 2 and the supported forms.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRealTool, HANDED_OVER } from './handover';
import { runRm } from './rm-command';
import { captureIO, makeTemp, recordingSession } from './tar-fixture';
import { runTar } from './tar-command';

let dir: string;
let self: string;

async function script(file: string, body: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

beforeEach(async () => {
  dir = await makeTemp('handover');
  self = await script(path.join(dir, 'self/livereload'), 'exit 99');
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('findRealTool', () => {
  it('skips our own binary (as a symlink or a hard link), non-executables and directories', async () => {
    await fs.mkdir(path.join(dir, 'a'));
    await fs.symlink(self, path.join(dir, 'a/tar'));
    await fs.mkdir(path.join(dir, 'b'));
    await fs.link(self, path.join(dir, 'b/tar'));
    await fs.mkdir(path.join(dir, 'c/tar'), { recursive: true });
    await fs.mkdir(path.join(dir, 'd'));
    await fs.writeFile(path.join(dir, 'd/tar'), 'not executable', { mode: 0o644 });
    const real = await script(path.join(dir, 'e/tar'), 'exit 0');
    await script(path.join(dir, 'f/tar'), 'exit 0');
    const PATH = ['a', 'b', 'c', 'd', 'missing', 'e', 'f'].map((name) => path.join(dir, name)).join(':');
    expect(findRealTool('tar', PATH, self)).toBe(real);
    expect(findRealTool('rm', PATH, self)).toBeUndefined();
    expect(findRealTool('tar', path.join(dir, 'a'), self)).toBeUndefined();
  });
});

describe('hand-over from runTar and runRm', () => {
  it('runs the real tar with the same arguments and stdin, and returns its exit code', async () => {
    await script(path.join(dir, 'bin/tar'), 'echo "real tar: $*"; cat; echo "to stderr" >&2; echo "marked: $LIVERELOAD_SYNC_HANDED_OVER"; exit 3');
    const io = captureIO(Buffer.from('stdin bytes\n'));
    const session = recordingSession();
    const code = await runTar(['-czf', '-', 'src'], io, session, { uid: 0, umask: 0o022, path: path.join(dir, 'bin'), self });
    expect(code).toBe(3);
    expect(io.out()).toBe('real tar: -czf - src\nstdin bytes\nmarked: 1\n');
    expect(io.err()).toBe('to stderr\n');
    expect(session.calls).toEqual([]);
  });

  it('runs the real rm for options we do not support', async () => {
    await script(path.join(dir, 'bin/rm'), 'echo "real rm: $*"; exit 0');
    const io = captureIO();
    expect(await runRm(['-rfv', '/x'], io, recordingSession(), { path: path.join(dir, 'bin'), self })).toBe(0);
    expect(io.out()).toBe('real rm: -rfv /x\n');
  });

  it('reports 128 + the signal number when the real tool is killed', async () => {
    await script(path.join(dir, 'bin/tar'), 'kill -TERM $$');
    expect(await runTar(['-t'], captureIO(), recordingSession(), { uid: 0, umask: 0o022, path: path.join(dir, 'bin'), self })).toBe(143);
  });

  it('without a real tar: exit 2, the problem and the supported forms', async () => {
    await fs.symlink(self, path.join(dir, 'tar'));
    const io = captureIO();
    const code = await runTar(['-tvf', 'x.tar'], io, recordingSession(), { uid: 0, umask: 0o022, path: dir, self });
    expect(code).toBe(2);
    expect(io.err()).toBe(
      [
        "tar: unsupported option '-t'",
        'tar: this tar is the live-reload sync helper: it only extracts an archive from stdin, e.g.',
        'tar:   tar -C DIR -x -f -                     (Tilt)',
        'tar:   tar xmf - -C DIR --no-same-owner       (Skaffold)',
        'tar: options: -x/--extract/--get, -f -/--file=-, -C DIR/--directory=DIR, -m/--touch,',
        'tar:   -p/--same-permissions/--preserve-permissions, --no-same-permissions,',
        'tar:   --same-owner, --no-same-owner, -v/--verbose',
        'tar: no other tar was found on PATH to hand this command to',
        '',
      ].join('\n'),
    );
  });

  it('without a real rm: exit 2 and the supported forms', async () => {
    const io = captureIO();
    expect(await runRm(['-i', 'x'], io, recordingSession(), { path: '', self })).toBe(2);
    expect(io.err()).toContain("rm: unsupported option '-i'\nrm: this rm is the live-reload sync helper");
    expect(io.err()).toContain('rm:   rm -rf -- PATH...     (Skaffold)\n');
  });

  it('never hands over twice (a copy of our binary further down PATH would loop)', async () => {
    await script(path.join(dir, 'bin/tar'), 'echo "should not run"; exit 0');
    process.env[HANDED_OVER] = '1';
    try {
      const io = captureIO();
      expect(await runTar(['-t'], io, recordingSession(), { uid: 0, umask: 0o022, path: path.join(dir, 'bin'), self })).toBe(2);
      expect(io.out()).toBe('');
      expect(io.err()).toContain('no other tar was found on PATH');
    } finally {
      delete process.env[HANDED_OVER];
    }
  });
});
