// A sync command killed mid-stream must not leave temp files behind: while it
// runs, SIGTERM/SIGINT/SIGHUP abort it (it cleans up and returns 128 + signal),
// and a second signal removes what is left synchronously and exits at once.
import { constants } from 'node:os';

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
export type TerminationSignal = (typeof SIGNALS)[number];

export interface Termination {
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: TerminationSignal | undefined;
  /** Exit code for the received signal (128 + its number). */
  readonly exitCode: number | undefined;
  dispose(): void;
}

export interface TerminationHooks {
  /** Makes the command stop waiting for input (e.g. destroys stdin). */
  interrupt(): void;
  /** Synchronous last-resort cleanup before a forced exit. */
  cleanupSync(): void;
  /** Test seam: what a forced exit does. */
  exit?: (code: number) => void;
  /** Test seam: where signals come from. */
  emitter?: NodeJS.EventEmitter;
}

export function onTermination(hooks: TerminationHooks): Termination {
  const controller = new AbortController();
  const emitter = hooks.emitter ?? process;
  const exit = hooks.exit ?? ((code: number) => process.exit(code));
  let received: TerminationSignal | undefined;
  const handlers = SIGNALS.map((name) => {
    const handler = (): void => {
      if (received !== undefined) {
        hooks.cleanupSync();
        exit(128 + constants.signals[received]);
        return;
      }
      received = name;
      controller.abort();
      hooks.interrupt();
    };
    emitter.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received === undefined ? undefined : 128 + constants.signals[received];
    },
    dispose() {
      for (const [name, handler] of handlers) emitter.off(name, handler);
    },
  };
}
