import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bindingsRoot, hasType, readBindings } from './bindings';

const root = mkdtempSync(path.join(tmpdir(), 'bindings-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function bindingDir(base: string, name: string, files: Record<string, string>): string {
  const dir = path.join(base, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
  return dir;
}

describe('bindingsRoot', () => {
  it('is $SERVICE_BINDING_ROOT when set, else <platform>/bindings', () => {
    expect(bindingsRoot({ SERVICE_BINDING_ROOT: '/bindings' }, '/platform')).toBe('/bindings');
    expect(bindingsRoot({ SERVICE_BINDING_ROOT: ' ' }, '/platform')).toBe('/platform/bindings');
    expect(bindingsRoot({}, '/platform')).toBe('/platform/bindings');
  });
});

describe('readBindings', () => {
  it('reads the bindings of the asked types with their entries, type and provider apart', () => {
    const base = mkdtempSync(path.join(root, 'b-'));
    bindingDir(base, 'mirror', { type: 'dependency-mirror\n', provider: 'acme\n', default: 'https://m.example\n', 'github.com': 'https://gh.example' });
    bindingDir(base, 'maps', { type: 'Dependency-Mapping', ['a'.repeat(64)]: 'file:///m/a' });
    bindingDir(base, 'db', { type: 'mysql', password: 'secret' });
    const read = readBindings(base, ['dependency-mirror', 'dependency-mapping']);
    expect(read.problems).toEqual([]);
    expect(read.bindings).toEqual([
      { name: 'maps', dir: path.join(base, 'maps'), type: 'Dependency-Mapping', provider: undefined, entries: { ['a'.repeat(64)]: 'file:///m/a' } },
      {
        name: 'mirror',
        dir: path.join(base, 'mirror'),
        type: 'dependency-mirror',
        provider: 'acme',
        entries: { default: 'https://m.example\n', 'github.com': 'https://gh.example' },
      },
    ]);
  });

  it('reports a binding without a type file and skips it', () => {
    const base = mkdtempSync(path.join(root, 'b-'));
    bindingDir(base, 'untyped', { default: 'https://m.example' });
    bindingDir(base, 'blank', { type: '\n' });
    const read = readBindings(base, ['dependency-mirror']);
    expect(read.bindings).toEqual([]);
    expect(read.problems).toEqual([
      `binding "blank" (${path.join(base, 'blank')}) has no "type" file, so it is ignored`,
      `binding "untyped" (${path.join(base, 'untyped')}) has no "type" file, so it is ignored`,
    ]);
  });

  it('follows Kubernetes-style links and skips hidden entries and subdirectories', () => {
    const base = mkdtempSync(path.join(root, 'b-'));
    const dir = bindingDir(base, 'k8s', {});
    const data = path.join(dir, '..2026_01_01');
    mkdirSync(data);
    writeFileSync(path.join(data, 'type'), 'dependency-mirror');
    writeFileSync(path.join(data, 'default'), 'https://m.example');
    symlinkSync('..2026_01_01', path.join(dir, '..data'));
    symlinkSync('..data/type', path.join(dir, 'type'));
    symlinkSync('..data/default', path.join(dir, 'default'));
    mkdirSync(path.join(dir, 'nested'));
    mkdirSync(path.join(base, '.hidden'));
    writeFileSync(path.join(base, 'a-file'), 'not a binding');
    const read = readBindings(base, ['dependency-mirror']);
    expect(read.bindings.map((b) => [b.name, b.entries])).toEqual([['k8s', { default: 'https://m.example' }]]);
  });

  it('is empty when the root does not exist', () => {
    expect(readBindings(path.join(root, 'missing'), ['dependency-mirror'])).toEqual({ root: path.join(root, 'missing'), bindings: [], problems: [] });
  });
});

describe('hasType', () => {
  it('compares case-insensitively, ignoring surrounding blanks', () => {
    expect(hasType({ type: ' Dependency-Mapping\n' }, 'dependency-mapping')).toBe(true);
    expect(hasType({ type: 'dependency-mappings' }, 'dependency-mapping')).toBe(false);
  });
});
