// GNU tools print strerror() texts; Node gives errno codes. Messages from our
// stand-ins use the same texts so that users (and Tilt's hints) see familiar words.
const TEXTS: Readonly<Record<string, string>> = {
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EDQUOT: 'Disk quota exceeded',
  EEXIST: 'File exists',
  EFBIG: 'File too large',
  EINVAL: 'Invalid argument',
  EIO: 'Input/output error',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  EMLINK: 'Too many links',
  ENAMETOOLONG: 'File name too long',
  ENOENT: 'No such file or directory',
  ENOSPC: 'No space left on device',
  ENOTDIR: 'Not a directory',
  ENOTEMPTY: 'Directory not empty',
  EOVERFLOW: 'Value too large for defined data type',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  ETXTBSY: 'Text file busy',
  EXDEV: 'Invalid cross-device link',
};

export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The strerror() text for a Node fs error, or its message when it has no errno code. */
export function strerror(error: unknown): string {
  const code = errnoCode(error);
  if (code !== undefined) return TEXTS[code] ?? code;
  return error instanceof Error ? error.message : String(error);
}
