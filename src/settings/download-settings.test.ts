// BP_DEPENDENCY_TIMEOUT and BP_DEPENDENCY_RETRIES: the download bounds a user can set.
import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { readSettings, type Env } from './settings';

const read = (env: Env) => readSettings(env, '/workspace');

function message(env: Env): string {
  try {
    read(env);
  } catch (error) {
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('setting');
    return (error as BuildpackError).message;
  }
  throw new Error('expected a BuildpackError, nothing was thrown');
}

describe('BP_DEPENDENCY_TIMEOUT (bare number = seconds, 1s..10m)', () => {
  it.each([
    ['1s', 1000],
    ['1000ms', 1000],
    ['5', 5000],
    [' 45s\n', 45_000],
    ['2m', 120_000],
    ['10m', 600_000],
  ])('reads %j as %i ms', (value, ms) => {
    expect(read({ BP_DEPENDENCY_TIMEOUT: value }).downloadTimeoutMs).toBe(ms);
  });

  it.each(['0', '999ms', '11m', '601', '1.5s', '-1s', 'forever', '30 s x'])('refuses %j, naming the range', (value) => {
    expect(message({ BP_DEPENDENCY_TIMEOUT: value })).toBe(
      `BP_DEPENDENCY_TIMEOUT=${JSON.stringify(value)} is not valid: expected a duration such as 500ms, 10s or 2m (a bare number means seconds), between 1s and 600s`,
    );
  });
});

describe('BP_DEPENDENCY_RETRIES (0..10)', () => {
  it.each([
    ['0', 0],
    ['3', 3],
    [' 10 ', 10],
  ])('reads %j as %i', (value, retries) => {
    expect(read({ BP_DEPENDENCY_RETRIES: value }).downloadRetries).toBe(retries);
  });

  it.each(['11', '-1', '1.5', 'three', '1e1', '0x3', '99999999999'])('refuses %j, naming the range', (value) => {
    expect(message({ BP_DEPENDENCY_RETRIES: value })).toBe(
      `BP_DEPENDENCY_RETRIES=${JSON.stringify(value)} is not valid: expected a whole number between 0 and 10`,
    );
  });
});
