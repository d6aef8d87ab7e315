// watchexec's release builds include its `pid1` feature: when it runs as PID 1
// (a reload process started by `docker run` or as a Kubernetes container, with
// no init), it re-launches itself as a child and, on SIGTERM or SIGINT, kills
// that child 2 seconds later whatever --stop-timeout says. Restarts on file
// changes are not affected; stopping the container is. The build says so when
// the configured stop timeout is longer than that grace.

/** pid1-rs's fixed grace before SIGKILL, as used by watchexec's `pid1` feature. */
export const PID1_GRACE_MS = 2000;

export function pid1GraceNote(stopTimeoutMs: number): string | undefined {
  if (stopTimeoutMs <= PID1_GRACE_MS) return undefined;
  return (
    `Note: BP_LIVE_RELOAD_STOP_TIMEOUT applies when watchexec restarts the app; when the container itself is stopped ` +
    `and watchexec runs as PID 1, watchexec kills the app after ${PID1_GRACE_MS / 1000}s. Run the container with an init ` +
    `(docker run --init) to give it the full stop timeout`
  );
}
