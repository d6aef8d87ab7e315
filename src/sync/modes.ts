// Permission arithmetic shared by the sync commands: what mode GNU tar would
// give an extracted entry, and how it prints one in messages.
import { readFileSync } from 'node:fs';

/** The process umask, read without changing it (process.umask() with no argument is deprecated). */
export function currentUmask(): number {
  try {
    const match = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    if (match) return parseInt(match[1]!, 8);
  } catch {
    // not Linux: fall through
  }
  return process.umask();
}

/**
 * GNU tar: with same-permissions (root's default, or -p) the archived mode as
 * is, setuid/setgid/sticky included; otherwise only rwx bits, minus the umask.
 */
export function extractedMode(headerMode: number, samePermissions: boolean, umask: number): number {
  return samePermissions ? headerMode & 0o7777 : headerMode & 0o777 & ~umask;
}

/** `ls -l`-style permission string, as GNU tar prints in "Cannot change mode to ..." */
export function modeString(mode: number): string {
  const bit = (mask: number, char: string): string => (mode & mask ? char : '-');
  const special = (exec: number, flag: number, set: string, unset: string): string =>
    mode & flag ? (mode & exec ? set : unset) : bit(exec, 'x');
  return (
    bit(0o400, 'r') + bit(0o200, 'w') + special(0o100, 0o4000, 's', 'S') +
    bit(0o040, 'r') + bit(0o020, 'w') + special(0o010, 0o2000, 's', 'S') +
    bit(0o004, 'r') + bit(0o002, 'w') + special(0o001, 0o1000, 't', 'T')
  );
}
