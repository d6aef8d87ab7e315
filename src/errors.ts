// Every failure a user can act on is a BuildpackError: `kind` says which part of the
// contract was broken, `message` says what was wrong and what is accepted. main.ts
// renders it once and turns it into the exit code; anything else is a bug.
export type ErrorKind =
  | 'setting' // a BP_* variable has a value we cannot use
  | 'plan' // the buildpack plan or a requirer's metadata is malformed
  | 'procfile' // the app's Procfile cannot be parsed
  | 'buildpack-toml' // our own buildpack.toml is inconsistent
  | 'dependency' // no watchexec version matches, or its metadata is wrong
  | 'binding' // a dependency-mirror or dependency-mapping binding cannot be used
  | 'download' // fetching the archive failed
  | 'checksum' // the archive does not match buildpack.toml
  | 'archive' // the archive is unsafe or lacks the binary
  | 'io'; // the filesystem refused something we needed

export class BuildpackError extends Error {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuildpackError';
    this.kind = kind;
  }
}

export function isBuildpackError(error: unknown): error is BuildpackError {
  return error instanceof BuildpackError;
}

/** A short, single-line description of any thrown value, for wrapping foreign errors. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
