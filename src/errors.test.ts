import { describe, expect, it } from 'vitest';
import { BuildpackError, describe as describeError, isBuildpackError } from './errors';

describe('BuildpackError', () => {
  it('carries its kind, message, name and cause', () => {
    const cause = new Error('inner');
    const error = new BuildpackError('setting', 'BP_X="y" is not valid: expected z', { cause });
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.kind, error.message, error.cause]).toEqual(['BuildpackError', 'setting', 'BP_X="y" is not valid: expected z', cause]);
    expect(isBuildpackError(error)).toBe(true);
    expect(isBuildpackError(new Error('x'))).toBe(false);
    expect(isBuildpackError({ kind: 'setting', message: 'x' })).toBe(false);
  });
});

describe('describe', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
  it.each<[unknown, string]>([
    [new Error('plain'), 'plain'],
    [withCode('connect refused', 'ECONNREFUSED'), 'connect refused (ECONNREFUSED)'],
    [withCode("ENOENT: no such file or directory, open '/x'", 'ENOENT'), "ENOENT: no such file or directory, open '/x'"],
    ['a string', 'a string'],
    [42, '42'],
    [undefined, 'undefined'],
  ])('%s -> %j', (error, text) => {
    expect(describeError(error)).toBe(text);
  });
});
