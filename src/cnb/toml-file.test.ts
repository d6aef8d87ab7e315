import { mkdtempSync, promises as fs, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { isTable, parseToml, readToml, readTomlIfExists, renderToml, writeFileAtomic } from './toml-file';

const dir = mkdtempSync(path.join(tmpdir(), 'toml-file-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<BuildpackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BuildpackError);
  return error as BuildpackError;
}

describe('parseToml', () => {
  it('parses a table', () => {
    expect(parseToml('a = 1\n[b]\nc = "d"\n', 'x.toml', 'plan')).toEqual({ a: 1, b: { c: 'd' } });
  });

  it('throws the given kind, naming the file, line and column on one line', () => {
    let error: unknown;
    try {
      parseToml('a = 1\nb = = 2\n', 'x.toml', 'buildpack-toml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('buildpack-toml');
    expect((error as BuildpackError).message).toMatch(/^x\.toml is not valid TOML at line 2, column \d+: \S/);
    expect((error as BuildpackError).message).not.toContain('\n');
  });
});

describe('readToml / readTomlIfExists', () => {
  it('reads a file', async () => {
    const file = path.join(dir, 'ok.toml');
    await fs.writeFile(file, '[types]\nlaunch = true\n');
    expect(await readToml(file, 'io')).toEqual({ types: { launch: true } });
    expect(await readTomlIfExists(file, 'io')).toEqual({ types: { launch: true } });
  });

  it('a missing file is an io error for readToml and undefined for readTomlIfExists', async () => {
    const file = path.join(dir, 'missing.toml');
    const error = await rejection(readToml(file, 'plan'));
    expect(error.kind).toBe('io');
    expect(error.message).toContain(`cannot read ${file}: `);
    expect(error.message).toContain('ENOENT');
    expect(await readTomlIfExists(file, 'plan')).toBeUndefined();
  });

  it('readTomlIfExists still reports bad TOML with the given kind', async () => {
    const file = path.join(dir, 'bad.toml');
    await fs.writeFile(file, 'not toml at all');
    const error = await rejection(readTomlIfExists(file, 'plan'));
    expect(error.kind).toBe('plan');
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')} is not valid TOML`));
  });

  it('readTomlIfExists reports a directory as an io error', async () => {
    const error = await rejection(readTomlIfExists(dir, 'plan'));
    expect(error.kind).toBe('io');
    expect(error.message).toContain(`cannot read ${dir}: `);
  });
});

describe('writeFileAtomic', () => {
  it('writes the content and leaves no temporary file', async () => {
    const sub = await fs.mkdtemp(path.join(dir, 'w-'));
    const file = path.join(sub, 'launch.toml');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, renderToml({ a: 1 }));
    expect(await fs.readFile(file, 'utf8')).toBe(renderToml({ a: 1 }));
    expect(readdirSync(sub)).toEqual(['launch.toml']);
  });

  it('fails with an io error naming the file when the directory does not exist', async () => {
    const file = path.join(dir, 'no-such-dir', 'x.toml');
    const error = await rejection(writeFileAtomic(file, 'x'));
    expect(error.kind).toBe('io');
    expect(error.message).toMatch(new RegExp(`^cannot write ${file.replace(/[.]/g, '\\.')}: .*ENOENT`));
  });
});

describe('isTable', () => {
  it.each([
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    ['x', false],
    [1, false],
    [new Date(0), false],
    [undefined, false],
  ])('%j -> %s', (value, expected) => {
    expect(isTable(value)).toBe(expected);
  });
});
