import { describe, expect, it } from 'vitest';
import { PID1_GRACE_MS, pid1GraceNote } from './pid1';

describe('pid1GraceNote', () => {
  it('says nothing when the stop timeout fits within watchexec’s PID 1 grace', () => {
    expect(pid1GraceNote(500)).toBeUndefined();
    expect(pid1GraceNote(PID1_GRACE_MS)).toBeUndefined();
  });

  it('explains the cap and the way out when the stop timeout is longer', () => {
    const note = pid1GraceNote(10_000);
    expect(note).toContain('BP_LIVE_RELOAD_STOP_TIMEOUT');
    expect(note).toContain('PID 1');
    expect(note).toContain('after 2s');
    expect(note).toContain('docker run --init');
  });
});
