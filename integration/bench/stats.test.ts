import { describe, expect, it } from 'vitest';
import { bytes, ms, quantile, ratio, summarize } from './stats';

describe('bench statistics', () => {
  it('interpolates quantiles between order statistics', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBe(91);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('summarizes unsorted samples', () => {
    expect(summarize([5, 1, 3])).toEqual({ n: 3, min: 1, p50: 3, p90: 4.6, max: 5 });
  });

  it('formats durations, sizes and ratios', () => {
    expect(ms(123.4)).toBe('123 ms');
    expect(ms(12_345)).toBe('12.3 s');
    expect(bytes(3 * 1024 * 1024)).toBe('3.0 MiB');
    expect(bytes(2048)).toBe('2.0 KiB');
    expect(ratio(150, 100)).toBe('1.50x');
    expect(ratio(1, 0)).toBe('n/a');
  });
});
