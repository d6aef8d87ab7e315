// The contract between a sync command (our `tar` or `rm`) and the code that
// coordinates restarts (sync/state.ts). A sync command calls begin() before it
// touches the filesystem and end() when it is done, whatever the outcome.
export type SyncKind = 'copy' | 'delete';

/** Which tool's command line this was: Tilt and Skaffold order copies and deletes differently. */
export type SyncForm = 'tilt' | 'skaffold' | 'other';

export interface SyncSession {
  begin(kind: SyncKind, form: SyncForm): Promise<void>;
  end(): Promise<void>;
}

/** For tests and for commands that coordinate with nobody. */
export const NO_SESSION: SyncSession = {
  begin: async () => {},
  end: async () => {},
};

export interface CommandIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}
