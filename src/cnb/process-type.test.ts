// Process type names become file names (/cnb/process/<type>): `.` and `..`
// match the spec's character set but name a directory, so they are refused.
import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { checkProcessType } from './launch';

describe('checkProcessType', () => {
  it.each(['.', '..'])('refuses %j, which cannot be a file in /cnb/process', (type) => {
    let error: unknown;
    try {
      checkProcessType(type, 'Procfile line 1', 'procfile');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('procfile');
    expect((error as BuildpackError).message).toBe(
      `Procfile line 1: process type ${JSON.stringify(type)} is not allowed; it cannot be a file name in /cnb/process`,
    );
  });

  it.each(['...', '.web', 'web.', '..web', 'a..b', '_', '-'])('accepts %j, a valid file name', (type) => {
    expect(() => checkProcessType(type, 'plan', 'plan')).not.toThrow();
  });
});
