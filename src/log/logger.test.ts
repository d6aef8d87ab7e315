import { describe, expect, it } from 'vitest';
import { createLogger, formatElapsed } from './logger';

describe('createLogger', () => {
  it('indents title, process, subprocess and action by 0, 2, 4 and 6 spaces, line by line', () => {
    const lines: string[] = [];
    const log = createLogger((line) => lines.push(line), 'INFO');
    log.title('Live Reload 0.1.0');
    log.process('Resolving');
    log.subprocess('Selected 2.5.1\nsecond line');
    log.action('detail');
    log.break();
    log.debug('hidden');
    expect(lines).toEqual(['Live Reload 0.1.0', '  Resolving', '    Selected 2.5.1', '    second line', '      detail', '']);
  });

  it('writes debug lines only at DEBUG', () => {
    const lines: string[] = [];
    createLogger((line) => lines.push(line), 'DEBUG').debug('shown');
    expect(lines).toEqual(['    shown']);
  });
});

describe('formatElapsed', () => {
  it.each([
    [0, '0ms'],
    [12.4, '12ms'],
    [999, '999ms'],
    [1000, '1.0s'],
    [1234, '1.2s'],
    [61_050, '61.0s'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});
