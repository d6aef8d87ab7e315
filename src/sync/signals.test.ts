import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onTermination } from './signals';

function setup() {
  const emitter = new EventEmitter();
  const log: string[] = [];
  const termination = onTermination({
    emitter,
    interrupt: () => log.push('interrupt'),
    cleanupSync: () => log.push('cleanup'),
    exit: (code) => log.push(`exit ${code}`),
  });
  return { emitter, log, termination };
}

describe('onTermination', () => {
  it('aborts on the first signal and reports 128 + its number', () => {
    const { emitter, log, termination } = setup();
    expect(termination.signal.aborted).toBe(false);
    emitter.emit('SIGTERM');
    expect(termination.signal.aborted).toBe(true);
    expect(termination.received).toBe('SIGTERM');
    expect(termination.exitCode).toBe(143);
    expect(log).toEqual(['interrupt']);
  });

  it('cleans up synchronously and exits on a second signal', () => {
    const { emitter, log } = setup();
    emitter.emit('SIGINT');
    emitter.emit('SIGTERM');
    expect(log).toEqual(['interrupt', 'cleanup', 'exit 130']);
  });

  it('stops listening once disposed', () => {
    const { emitter, log, termination } = setup();
    termination.dispose();
    expect(emitter.listenerCount('SIGTERM') + emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGHUP')).toBe(0);
    emitter.emit('SIGHUP');
    expect(log).toEqual([]);
  });
});
