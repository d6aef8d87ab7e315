import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { formatDuration, invalid, parseBoolean, parseDurationMs, parseList, parseStopSignal } from './parse';

describe('invalid', () => {
  it('builds a setting error naming the variable, the JSON-quoted value and what is accepted', () => {
    const error = invalid('BP_X', 'a "b"', 'expected c');
    expect(error).toBeInstanceOf(BuildpackError);
    expect(error.kind).toBe('setting');
    expect(error.message).toBe('BP_X="a \\"b\\"" is not valid: expected c');
  });
});

describe('parseBoolean', () => {
  it.each([
    ['true', true],
    ['YES', true],
    [' 1 ', true],
    ['false', false],
    ['No', false],
    ['0', false],
  ])('%j -> %s', (value, expected) => {
    expect(parseBoolean('BP_X', value)).toBe(expected);
  });

  it.each(['', 'y', 'n', 'on', 'off', '01'])('refuses %j', (value) => {
    expect(() => parseBoolean('BP_X', value)).toThrowError(
      `BP_X=${JSON.stringify(value)} is not valid: expected one of true, false, 1, 0, yes, no (any case)`,
    );
  });
});

describe('parseDurationMs', () => {
  const wide = { minMs: 0, maxMs: 3_600_000 };
  it.each([
    ['500ms', 's', 500],
    ['500', 'ms', 500],
    ['5', 's', 5000],
    ['10s', 'ms', 10_000],
    ['2m', 'ms', 120_000],
    ['0', 's', 0],
    ['007s', 'ms', 7000],
  ] as const)('%j with bare unit %s -> %i ms', (value, unit, ms) => {
    expect(parseDurationMs('BP_X', value, unit, wide)).toBe(ms);
  });

  it('accepts both ends of the range and refuses just outside them', () => {
    const range = { minMs: 100, maxMs: 2000 };
    expect(parseDurationMs('BP_X', '100ms', 'ms', range)).toBe(100);
    expect(parseDurationMs('BP_X', '2s', 'ms', range)).toBe(2000);
    expect(() => parseDurationMs('BP_X', '99', 'ms', range)).toThrowError(
      'BP_X="99" is not valid: expected a duration such as 500ms, 10s or 2m (a bare number means milliseconds), between 100ms and 2s',
    );
    expect(() => parseDurationMs('BP_X', '2001ms', 'ms', range)).toThrowError(/between 100ms and 2s$/);
  });

  it.each(['', 's', '1h', '1.5s', '-1', '1e3', '1 2s'])('refuses %j', (value) => {
    expect(() => parseDurationMs('BP_X', value, 's', wide)).toThrowError(
      `BP_X=${JSON.stringify(value)} is not valid: expected a duration such as 500ms, 10s or 2m (a bare number means seconds), between 0s and 3600s`,
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [50, '50ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1500, '1500ms'],
    [60_000, '60s'],
    [600_000, '600s'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDurationMs', () => {
    for (const ms of [0, 1, 50, 999, 1000, 1500, 60_000]) {
      expect(parseDurationMs('BP_X', formatDuration(ms), 's', { minMs: 0, maxMs: 60_000 })).toBe(ms);
    }
  });
});

describe('parseStopSignal', () => {
  // Every Linux signal number 1..31 by number, bare name and SIG name.
  const table: [number, string][] = [
    [1, 'HUP'], [2, 'INT'], [3, 'QUIT'], [4, 'ILL'], [5, 'TRAP'], [6, 'ABRT'], [7, 'BUS'], [8, 'FPE'], [9, 'KILL'],
    [10, 'USR1'], [11, 'SEGV'], [12, 'USR2'], [13, 'PIPE'], [14, 'ALRM'], [15, 'TERM'], [16, 'STKFLT'], [17, 'CHLD'],
    [18, 'CONT'], [19, 'STOP'], [20, 'TSTP'], [21, 'TTIN'], [22, 'TTOU'], [23, 'URG'], [24, 'XCPU'], [25, 'XFSZ'],
    [26, 'VTALRM'], [27, 'PROF'], [28, 'WINCH'], [29, 'IO'], [30, 'PWR'], [31, 'SYS'],
  ];
  const notStop = new Set(['CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'WINCH']);

  it.each(table.filter(([, name]) => !notStop.has(name)))('%i, %s and SIG%s all mean SIG%s', (number, name) => {
    for (const spelling of [String(number), name, `SIG${name}`, name.toLowerCase(), `sig${name.toLowerCase()}`]) {
      expect(parseStopSignal('BP_X', spelling)).toBe(`SIG${name}`);
    }
  });

  it.each(table.filter(([, name]) => notStop.has(name)))('%i (%s) cannot stop a process and is refused', (number, name) => {
    for (const spelling of [String(number), name, `SIG${name}`]) {
      expect(() => parseStopSignal('BP_X', spelling)).toThrowError(
        `BP_X=${JSON.stringify(spelling)} is not valid: expected a signal that stops a process`,
      );
    }
  });
});

describe('parseList', () => {
  it('trims items and keeps their order and duplicates', () => {
    expect(parseList('BP_X', ' a ,b,a ', 'things')).toEqual(['a', 'b', 'a']);
  });

  it.each(['', ',', 'a,', ',a', 'a,,b', 'a, ,b'])('refuses %j with an empty item', (value) => {
    expect(() => parseList('BP_X', value, 'things')).toThrowError(
      `BP_X=${JSON.stringify(value)} is not valid: expected a comma-separated list of things with no empty items`,
    );
  });

  it.each(['a\tb', 'a\u0000b', 'a\u001bb'])('refuses control characters in %j', (value) => {
    expect(() => parseList('BP_X', value, 'things')).toThrowError('expected things without control characters such as newlines');
  });
});
