// runRm in-process: GNU rm's outcomes, messages and exit codes (checked
// against GNU coreutils rm), and the session contract.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRm } from './rm-command';
import { captureIO, makeTemp, recordingSession, snapshot } from './tar-fixture';

let dir: string;
let cwd: string;

beforeEach(async () => {
  dir = await makeTemp('rm');
  await fs.mkdir(path.join(dir, 'tree/sub/deeper'), { recursive: true });
  await fs.writeFile(path.join(dir, 'tree/sub/deeper/f'), 'x');
  await fs.writeFile(path.join(dir, 'tree/g'), 'x');
  await fs.writeFile(path.join(dir, 'file'), 'x');
  await fs.mkdir(path.join(dir, 'outside'));
  await fs.writeFile(path.join(dir, 'outside/keep'), 'x');
  await fs.symlink(path.join(dir, 'outside'), path.join(dir, 'link'));
  cwd = process.cwd();
  process.chdir(dir);
});

afterEach(async () => {
  process.chdir(cwd);
  await fs.chmod(path.join(dir), 0o755).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
});

async function rm(args: string[]) {
  const io = captureIO();
  const session = recordingSession();
  // A tripwire for the cases that must touch nothing (like `rm -rf /`): the
  // session begins before the first removal, so a refusal that failed to
  // happen stops here instead of deleting anything.
  const dangerous = args.some((arg) => arg.startsWith('/') && !arg.startsWith(dir));
  const tripwire = (): never => {
    throw new Error('tripwire: tried to remove outside the test dir');
  };
  const guarded = dangerous ? { ...session, begin: tripwire } : session;
  const code = await runRm(args, io, guarded, { path: '', self: process.execPath });
  return { code, err: io.err(), calls: session.calls };
}

const names = async (): Promise<string[]> => [...(await snapshot(dir, false)).keys()];

describe('runRm', () => {
  it('removes files and trees given as absolute paths (Tilt), inside a session', async () => {
    const result = await rm(['-rf', path.join(dir, 'tree'), path.join(dir, 'file')]);
    expect(result).toEqual({ code: 0, err: '', calls: [{ call: 'begin', kind: 'delete', form: 'tilt' }, { call: 'end' }] });
    expect(await names()).toEqual(['link', 'outside', 'outside/keep']);
  });

  it('accepts `--` and a missing path with -f (Skaffold)', async () => {
    const result = await rm(['-rf', '--', 'file', 'missing', 'tree/sub']);
    expect(result).toEqual({ code: 0, err: '', calls: [{ call: 'begin', kind: 'delete', form: 'skaffold' }, { call: 'end' }] });
    expect(await names()).toEqual(['link', 'outside', 'outside/keep', 'tree', 'tree/g']);
  });

  it('removes a symlink, never what it points to', async () => {
    expect((await rm(['-rf', 'link'])).code).toBe(0);
    expect(await names()).toEqual(['file', 'outside', 'outside/keep', 'tree', 'tree/g', 'tree/sub', 'tree/sub/deeper', 'tree/sub/deeper/f']);
  });

  it("empties the directory behind `link/` and keeps the link, exit 0 (GNU's trailing-slash behaviour)", async () => {
    expect(await rm(['-rf', 'link/'])).toMatchObject({ code: 0, err: '' });
    expect(await fs.readdir(path.join(dir, 'outside'))).toEqual([]);
    expect((await fs.lstat(path.join(dir, 'link'))).isSymbolicLink()).toBe(true);
  });

  it.each<[string[], number, string]>([
    [['missing'], 1, "rm: cannot remove 'missing': No such file or directory\n"],
    [['-r', 'missing'], 1, "rm: cannot remove 'missing': No such file or directory\n"],
    [['tree'], 1, "rm: cannot remove 'tree': Is a directory\n"],
    [['-f', 'tree'], 1, "rm: cannot remove 'tree': Is a directory\n"],
    [['-rf', '.'], 1, "rm: refusing to remove '.' or '..' directory: skipping '.'\n"],
    [['-rf', 'tree/..'], 1, "rm: refusing to remove '.' or '..' directory: skipping 'tree/..'\n"],
    [['-rf', './'], 1, "rm: refusing to remove '.' or '..' directory: skipping './'\n"],
    [['.'], 1, "rm: cannot remove '.': Is a directory\n"],
    [['-rf', '/'], 1, "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n"],
    [['-rf', '//'], 1, "rm: it is dangerous to operate recursively on '//' (same as '/')\nrm: use --no-preserve-root to override this failsafe\n"],
    [['-r', 'file/'], 1, "rm: cannot remove 'file/': Not a directory\n"],
    [['-rf', 'file/'], 0, ''],
    [['-rf', 'file/x'], 0, ''],
    [['-rf'], 0, ''],
    [[], 1, "rm: missing operand\nTry 'rm --help' for more information.\n"],
    [[''], 1, "rm: cannot remove '': No such file or directory\n"],
    [['-f', ''], 0, ''],
  ])('%j -> exit %i', async (args, code, err) => {
    const before = await names();
    const result = await rm(args);
    expect(result.code).toBe(code);
    expect(result.err).toBe(err);
    if (code !== 0) expect(await names()).toEqual(before);
  });

  it('does not open a session when nothing was attempted', async () => {
    expect((await rm(['-rf', '/'])).calls).toEqual([]);
    expect((await rm(['-rf'])).calls).toEqual([]);
  });

  it('goes on after a failure and reports it with exit 1', async () => {
    const result = await rm(['tree', 'file']);
    expect(result.code).toBe(1);
    expect(await names()).not.toContain('file');
  });

  it('warns but still removes when the session cannot be told', async () => {
    const io = captureIO();
    const failing = { begin: () => Promise.reject(new Error('gate is down')), end: async () => undefined };
    expect(await runRm(['-rf', 'file'], io, failing, { path: '', self: process.execPath })).toBe(0);
    expect(io.err()).toBe('rm: warning: could not tell the live-reload session about this sync: gate is down\n');
    expect(await names()).not.toContain('file');
  });
});
