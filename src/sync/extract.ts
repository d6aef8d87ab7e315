// Extracts a tar stream the way GNU tar does for the streams Tilt and Skaffold
// send (same modes, owners, mtimes, replacement rules), with three differences:
// nothing is written outside the root, no reader ever sees a partial file
// (temp name + rename), and device nodes, FIFOs and unknown types are refused.
// Small files are written concurrently (a few in flight) because a sync of a
// thousand small files is dominated by per-file syscalls.
import { constants } from 'node:fs';
import { entryPath } from '../archive/safe-path';
import { readTar, TarFormatError, type TarEntry, type TarHeader } from '../archive/tar-reader';
import { DelayedDirectories, type PendingDirectory } from './delayed-dirs';
import {
  chmod,
  chown,
  close,
  fchmod,
  fchown,
  futimes,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  open,
  rename,
  rmdir,
  symlink,
  unlink,
  utimes,
  writeAll,
} from './fs-ops';
import { currentUmask, extractedMode, modeString } from './modes';
import { Owners } from './owners';
import { RootGuard, type ParentCheck } from './root-guard';
import { errnoCode, strerror } from './strerror';
import { TempFiles } from './temp-files';

export interface ExtractOptions {
  /** The -C directory, absolute and existing. */
  root: string;
  /** realpath(root). */
  realRoot: string;
  /** -m: leave mtimes at extraction time. */
  touch: boolean;
  /** chown to the archived owner (root's default; --same-owner). */
  sameOwner: boolean;
  /** keep the archived mode as is (root's default; -p). */
  samePermissions: boolean;
  /** The umask GNU tar would apply (the process's). */
  umask: number;
  owners?: Owners;
}

export interface ExtractEvents {
  /** Called once, right before the first filesystem change. */
  beforeFirstChange(): Promise<void>;
  /** -v: a member is about to be extracted (its name as archived). */
  listed?(name: string): void;
  /** A line for stderr, without the "tar: " prefix. */
  problem(message: string): void;
  signal?: AbortSignal;
}

export interface ExtractResult {
  entries: number;
  /** Members refused or failed; GNU exits 2 after such errors. */
  failures: number;
  /** Set when the stream itself was unusable; extraction stopped there. */
  fatal?: string;
  /** Stopped by the abort signal. */
  aborted: boolean;
}

/** Files up to this size are read whole and written in the background. */
const SMALL_FILE = 256 * 1024;
const MAX_IN_FLIGHT = 16;
const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;
/** Large files are written in batches of about this size. */
const WRITE_BATCH = 1024 * 1024;

// O_EXCL: never open an existing file, nor follow a symlink someone put at the temp name.
const O_CREATE_NEW = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW;

class Aborted extends Error {}

/** How messages name a member: root-relative, like GNU tar after stripping. */
function shown(relative: string): string {
  return relative === '' ? '.' : relative;
}

function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

export async function extractStream(
  input: AsyncIterable<Uint8Array>,
  options: ExtractOptions,
  events: ExtractEvents,
  temps: TempFiles = new TempFiles(),
): Promise<ExtractResult> {
  const extraction = new Extraction(options, events, temps);
  return extraction.run(input);
}

class Extraction {
  private readonly guard: RootGuard;
  private readonly delayed = new DelayedDirectories();
  private readonly owners: Owners;
  private readonly processUmask = currentUmask();
  private readonly inFlight = new Map<string, Promise<void>>();
  private inFlightBytes = 0;
  private failures = 0;
  private started: Promise<void> | undefined;
  private warnedSlash = false;
  private warnedLinkSlash = false;
  private bytesRead = 0;
  private entries = 0;
  /** Names of the last two headers read, for messages about a corrupt stream. */
  private names: [string, string] = ['', ''];

  constructor(
    private readonly options: ExtractOptions,
    private readonly events: ExtractEvents,
    private readonly temps: TempFiles,
  ) {
    this.owners = options.owners ?? new Owners();
    this.guard = new RootGuard({
      root: options.root,
      realRoot: options.realRoot,
      intermediateMode: 0o777 & ~options.umask,
      beforeChange: () => this.changing(),
    });
  }

  async run(input: AsyncIterable<Uint8Array>): Promise<ExtractResult> {
    let fatal: string | undefined;
    let aborted = false;
    try {
      for await (const entry of readTar(this.counted(input))) {
        this.checkAbort();
        this.names = [this.names[1], entry.header.name];
        this.entries++;
        await this.member(entry);
      }
      if (this.bytesRead === 0) fatal = 'This does not look like a tar archive';
    } catch (error) {
      if (error instanceof Aborted || this.events.signal?.aborted) aborted = true;
      else if (error instanceof TarFormatError) fatal = this.describeFormatError(error);
      else fatal = `unexpected error at entry #${this.entries} ("${this.names[1]}"): ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      await this.finish();
    }
    return { entries: this.entries, failures: this.failures, fatal, aborted };
  }

  private async *counted(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of input) {
      this.checkAbort();
      this.bytesRead += chunk.length;
      yield chunk;
    }
  }

  private checkAbort(): void {
    if (this.events.signal?.aborted) throw new Aborted();
  }

  private describeFormatError(error: TarFormatError): string {
    // The reader numbers entries from 0; `entries` counts the headers it has yielded.
    const number = error.entryIndex + 1;
    const which =
      number === this.entries
        ? `entry #${number} ("${this.names[1]}")`
        : number === this.entries - 1
          ? `entry #${number} ("${this.names[0]}")`
          : this.entries === 0
            ? `entry #${number} (the first)`
            : `entry #${number} (the one after "${this.names[1]}")`;
    return `truncated or corrupt stream at ${which}, byte ${error.offset}: ${error.message}; entries before it were extracted, this one was not`;
  }

  /** Lets in-flight writes finish, sets pending directory attributes, removes leftovers. */
  private async finish(): Promise<void> {
    await this.drain();
    for (const pending of this.delayed.takeAll()) await this.applyDirectory(pending);
    await this.temps.discardAll();
  }

  private changing(): Promise<void> {
    this.started ??= this.events.beforeFirstChange();
    return this.started;
  }

  private fail(message: string): void {
    this.failures++;
    this.events.problem(message);
  }

  private async member(entry: TarEntry): Promise<void> {
    const { header } = entry;
    if (header.name.startsWith('/') && !this.warnedSlash) {
      this.warnedSlash = true;
      this.events.problem("Removing leading `/' from member names");
    }
    const checked = entryPath(header.name, true);
    if (!checked.ok) {
      this.fail(checked.problem.includes('..') ? `${header.name}: Member name contains '..'` : `${header.name}: member name ${checked.problem}`);
      return;
    }
    const relative = checked.relative;
    this.events.listed?.(header.name);
    if (this.delayed.hasNonAncestorsOf(relative)) {
      await this.drain();
      for (const pending of this.delayed.takeNonAncestorsOf(relative)) await this.applyDirectory(pending);
    }
    switch (header.type) {
      case 'file':
        return this.file(entry, relative);
      case 'directory':
        return this.directory(header, relative);
      case 'symlink':
        return this.symlink(header, relative);
      case 'hardlink':
        return this.hardlink(header, relative);
      default: {
        const what = header.type === 'other' ? `an entry of unknown type '${header.typeflag}'` : `a ${header.type.replace('-', ' ')}`;
        this.fail(`${shown(relative)}: refusing to extract ${what}: the sync helper only extracts files, directories and links`);
      }
    }
  }

  // --- regular files -------------------------------------------------------

  private async file(entry: TarEntry, relative: string): Promise<void> {
    const { header } = entry;
    if (relative === '') {
      this.fail(`${shown(relative)}: Cannot open: Is a directory`);
      return;
    }
    await this.settleConflicts(relative);
    if (!(await this.parentsReady(relative, 'Cannot open'))) return;
    this.guard.markReplaced(relative, false);
    const target = this.guard.abs(relative);
    if (header.size <= SMALL_FILE) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry.body()) chunks.push(chunk);
      await this.launch(relative, header.size, this.writeSmallFile(target, relative, header, chunks));
    } else {
      await this.writeLargeFile(target, relative, header, entry.body());
    }
  }

  private async writeSmallFile(target: string, relative: string, header: TarHeader, chunks: readonly Buffer[]): Promise<void> {
    const temp = this.temps.reserve(target);
    let fd: number | undefined;
    try {
      await this.changing();
      fd = await open(temp, O_CREATE_NEW, header.mode & 0o777);
      await writeAll(fd, chunks);
      await this.finishFile(fd, relative, header);
      const done = fd;
      fd = undefined;
      await close(done);
      await this.renameOver(temp, target);
      this.temps.settled(temp);
    } catch (error) {
      this.fail(`${relative}: Cannot open: ${strerror(error)}`);
      if (fd !== undefined) await close(fd).catch(() => undefined);
      await this.temps.discard(temp);
    }
  }

  /**
   * Streams the body to a temp file, one batch being written while the next is
   * read. A truncated body removes the temp file and ends the extraction; a
   * write error fails this member only (the body is still read, to stay aligned).
   */
  private async writeLargeFile(target: string, relative: string, header: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    await this.drain(); // keeps memory flat and the order of failures readable
    const temp = this.temps.reserve(target);
    let fd: number | undefined;
    let failed: unknown;
    let writing: Promise<void> = Promise.resolve();
    const write = (descriptor: number, batch: Buffer[]): Promise<void> =>
      writeAll(descriptor, batch).catch((error: unknown) => {
        failed ??= error;
      });
    try {
      await this.changing();
      fd = await open(temp, O_CREATE_NEW, header.mode & 0o777);
    } catch (error) {
      failed = error;
    }
    try {
      let batch: Buffer[] = [];
      let batchBytes = 0;
      for await (const chunk of body) {
        this.checkAbort();
        if (failed !== undefined || fd === undefined) continue;
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= WRITE_BATCH) {
          await writing;
          writing = write(fd, batch);
          batch = [];
          batchBytes = 0;
        }
      }
      await writing;
      if (failed === undefined && fd !== undefined) await writeAll(fd, batch);
    } catch (error) {
      // The stream broke (truncated, corrupt, interrupted): no partial file, and extraction ends.
      await writing;
      if (fd !== undefined) await close(fd).catch(() => undefined);
      await this.temps.discard(temp);
      throw error;
    }
    try {
      if (failed !== undefined || fd === undefined) throw failed;
      await this.finishFile(fd, relative, header);
      const done = fd;
      fd = undefined;
      await close(done);
      await this.renameOver(temp, target);
      this.temps.settled(temp);
    } catch (error) {
      this.fail(`${relative}: Cannot open: ${strerror(error)}`);
      if (fd !== undefined) await close(fd).catch(() => undefined);
      await this.temps.discard(temp);
    }
  }

  /** Owner, mode and mtime on the open descriptor (GNU's order: chown clears setuid, so chmod after it). */
  private async finishFile(fd: number, relative: string, header: TarHeader): Promise<void> {
    const mode = extractedMode(header.mode, this.options.samePermissions, this.options.umask);
    let chowned = false;
    if (this.options.sameOwner) {
      const owner = await this.owners.resolve(header.uname, header.uid, header.gname, header.gid);
      try {
        await fchown(fd, owner.uid, owner.gid);
        chowned = true;
      } catch (error) {
        this.fail(`${relative}: Cannot change ownership to uid ${owner.uid}, gid ${owner.gid}: ${strerror(error)}`);
      }
    }
    if (mode !== (header.mode & 0o777 & ~this.processUmask) || (chowned && mode & 0o7000)) {
      try {
        await fchmod(fd, mode);
      } catch (error) {
        this.fail(`${relative}: Cannot change mode to ${modeString(mode)}: ${strerror(error)}`);
      }
    }
    if (!this.options.touch) {
      try {
        await futimes(fd, Date.now() / 1000, header.mtime);
      } catch (error) {
        this.fail(`${relative}: Cannot utime: ${strerror(error)}`);
      }
    }
  }

  /**
   * rename() replaces files and symlinks but not directories: like GNU tar,
   * an empty directory in the way is removed, a non-empty one is an error.
   */
  private async renameOver(temp: string, target: string): Promise<void> {
    try {
      await rename(temp, target);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'EISDIR' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      try {
        await rmdir(target);
      } catch {
        throw fsError('EEXIST', `${target} is a non-empty directory`);
      }
      await rename(temp, target);
    }
  }

  // --- concurrency -----------------------------------------------------------

  private async launch(relative: string, bytes: number, job: Promise<void>): Promise<void> {
    this.inFlightBytes += bytes;
    const tracked = job.finally(() => {
      this.inFlightBytes -= bytes;
      if (this.inFlight.get(relative) === tracked) this.inFlight.delete(relative);
    });
    this.inFlight.set(relative, tracked);
    while (this.inFlight.size >= MAX_IN_FLIGHT || this.inFlightBytes > MAX_IN_FLIGHT_BYTES) {
      await Promise.race(this.inFlight.values());
    }
  }

  /** Writes in flight never touch the same path, an ancestor or a descendant of another member. */
  private async settleConflicts(relative: string): Promise<void> {
    if (this.inFlight.size === 0) return;
    for (const other of this.inFlight.keys()) {
      if (other === relative || relative.startsWith(`${other}/`) || other.startsWith(`${relative}/`)) {
        await this.drain();
        return;
      }
    }
  }

  private async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight.values());
  }

  /** GNU's wording: a parent it could not create is named first, then the member fails with ENOENT. */
  private async parentsReady(relative: string, verb: string): Promise<boolean> {
    const check: ParentCheck = await this.guard.prepareParents(relative, true);
    if (check.ok) return true;
    if ('refused' in check) {
      this.fail(`${relative}: ${check.refused}`);
    } else if (check.directory !== undefined) {
      this.fail(`${check.directory}: Cannot mkdir: ${strerror(check.error)}`);
      this.events.problem(`${relative}: ${verb}: No such file or directory`);
    } else {
      this.fail(`${relative}: ${verb}: ${strerror(check.error)}`);
    }
    return false;
  }

  // --- directories -------------------------------------------------------------

  private async directory(header: TarHeader, relative: string): Promise<void> {
    await this.drain();
    await this.changing(); // even an existing directory gets its mode and mtime set
    if (!(await this.parentsReady(relative, 'Cannot mkdir'))) return;
    const absolute = this.guard.abs(relative);
    const mode = extractedMode(header.mode, this.options.samePermissions, this.options.umask);
    let currentMode: number;
    try {
      let existing;
      try {
        existing = await lstat(absolute);
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error;
      }
      if (existing?.isDirectory()) {
        currentMode = existing.mode & 0o7777;
      } else {
        await this.changing();
        // GNU tar replaces a file or symlink (even one to a directory) with a real directory.
        if (existing) await unlink(absolute);
        const createMode = (mode & 0o777) | 0o700; // writable by us until the delayed chmod
        await mkdir(absolute, { mode: createMode });
        currentMode = createMode & ~this.processUmask;
      }
    } catch (error) {
      this.fail(`${relative}: Cannot mkdir: ${strerror(error)}`);
      return;
    }
    this.guard.markDirectory(relative);
    this.delayed.push({
      relative,
      absolute,
      mode,
      currentMode,
      mtime: this.options.touch ? undefined : header.mtime,
      owner: this.options.sameOwner ? await this.owners.resolve(header.uname, header.uid, header.gname, header.gid) : undefined,
    });
  }

  private async applyDirectory(pending: PendingDirectory): Promise<void> {
    const name = pending.relative === '' ? '.' : pending.relative;
    if (pending.mtime !== undefined) {
      try {
        await utimes(pending.absolute, Date.now() / 1000, pending.mtime);
      } catch (error) {
        this.fail(`${name}: Cannot utime: ${strerror(error)}`);
      }
    }
    if (pending.owner) {
      try {
        await chown(pending.absolute, pending.owner.uid, pending.owner.gid);
      } catch (error) {
        this.fail(`${name}: Cannot change ownership to uid ${pending.owner.uid}, gid ${pending.owner.gid}: ${strerror(error)}`);
      }
    }
    if (pending.mode !== pending.currentMode || (pending.owner && pending.mode & 0o7000)) {
      try {
        await chmod(pending.absolute, pending.mode);
      } catch (error) {
        this.fail(`${name}: Cannot change mode to ${modeString(pending.mode)}: ${strerror(error)}`);
      }
    }
  }

  // --- links ---------------------------------------------------------------------

  private async symlink(header: TarHeader, relative: string): Promise<void> {
    // GNU tar first makes a placeholder file for links it considers risky (absolute or with ".."), so it words their failures as "Cannot open".
    const risky = header.linkname.startsWith('/') || header.linkname.split('/').includes('..');
    const failure = risky ? 'Cannot open' : `Cannot create symlink to ‘${header.linkname}’`;
    if (relative === '') {
      this.fail(`${shown(relative)}: ${failure}: File exists`);
      return;
    }
    await this.drain();
    if (!(await this.parentsReady(relative, failure))) return;
    const target = this.guard.abs(relative);
    const temp = this.temps.reserve(target);
    try {
      await this.changing();
      await symlink(header.linkname, temp);
      if (!this.options.touch) {
        await lutimes(temp, Date.now() / 1000, header.mtime).catch((error: unknown) => this.fail(`${relative}: Cannot utime: ${strerror(error)}`));
      }
      if (this.options.sameOwner) {
        const owner = await this.owners.resolve(header.uname, header.uid, header.gname, header.gid);
        await lchown(temp, owner.uid, owner.gid).catch((error: unknown) =>
          this.fail(`${relative}: Cannot change ownership to uid ${owner.uid}, gid ${owner.gid}: ${strerror(error)}`),
        );
      }
      await this.renameOver(temp, target);
      this.temps.settled(temp);
      this.guard.markReplaced(relative, true);
    } catch (error) {
      this.fail(`${relative}: ${failure}: ${strerror(error)}`);
      await this.temps.discard(temp);
    }
  }

  private async hardlink(header: TarHeader, relative: string): Promise<void> {
    if (header.linkname.startsWith('/') && !this.warnedLinkSlash) {
      this.warnedLinkSlash = true;
      this.events.problem("Removing leading `/' from hard link targets");
    }
    const linked = entryPath(header.linkname, true);
    if (!linked.ok || linked.relative === '') {
      const why = linked.ok ? 'names the extraction directory itself' : linked.problem;
      this.fail(`${shown(relative)}: refusing a hard link to ‘${header.linkname}’: the target ${why}`);
      return;
    }
    const failure = `Cannot hard link to ‘${linked.relative}’`;
    if (relative === '') {
      this.fail(`${shown(relative)}: ${failure}: File exists`);
      return;
    }
    await this.drain();
    const source = await this.guard.prepareParents(linked.relative, false);
    if (!source.ok) {
      this.fail('refused' in source ? `${relative}: ${source.refused}` : `${relative}: ${failure}: ${strerror(source.error)}`);
      return;
    }
    if (!(await this.parentsReady(relative, failure))) return;
    const target = this.guard.abs(relative);
    const temp = this.temps.reserve(target);
    try {
      await this.changing();
      await link(this.guard.abs(linked.relative), temp); // link() does not follow a symlink target
      await this.renameOver(temp, target);
      // rename() is a no-op when both names are already the same file: the temp name would stay.
      await this.temps.discard(temp);
      this.guard.markReplaced(relative, this.guard.isPlanted(linked.relative));
    } catch (error) {
      this.fail(`${relative}: ${failure}: ${strerror(error)}`);
      await this.temps.discard(temp);
    }
  }
}
