// Test helper: writes small tar streams (USTAR, PAX for long names) with any
// header values, including ones no honest writer produces, and runs the sync
// commands in-process on them. Not used by the commands themselves.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { CommandIO, SyncForm, SyncKind, SyncSession } from './session';

export interface FixtureEntry {
  name: string;
  /** file, dir, symlink, hardlink, char, block, fifo, or a raw typeflag character. */
  type?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  mtime?: number;
  content?: string | Buffer;
  linkname?: string;
}

const TYPEFLAGS: Readonly<Record<string, string>> = { file: '0', dir: '5', symlink: '2', hardlink: '1', char: '3', block: '4', fifo: '6' };

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function header(fields: { name: string; typeflag: string; mode: number; uid: number; gid: number; size: number; mtime: number; linkname: string; uname: string; gname: string }): Buffer {
  const block = Buffer.alloc(512);
  block.write(fields.name, 0, 100, 'utf8');
  block.write(octal(fields.mode, 8), 100, 'latin1');
  block.write(octal(fields.uid, 8), 108, 'latin1');
  block.write(octal(fields.gid, 8), 116, 'latin1');
  block.write(octal(fields.size, 12), 124, 'latin1');
  block.write(octal(fields.mtime, 12), 136, 'latin1');
  block.write(fields.typeflag, 156, 'latin1');
  block.write(fields.linkname, 157, 100, 'utf8');
  block.write('ustar\x0000', 257, 'latin1');
  block.write(fields.uname, 265, 32, 'utf8');
  block.write(fields.gname, 297, 32, 'utf8');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function padded(data: Buffer): Buffer {
  const padding = (512 - (data.length % 512)) % 512;
  return padding === 0 ? data : Buffer.concat([data, Buffer.alloc(padding)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body);
  while (`${length}${body}`.length !== length) length = Buffer.byteLength(`${length}${body}`);
  return `${length}${body}`;
}

/** One entry: a PAX header first when the name or link does not fit USTAR's fields. */
export function tarEntry(entry: FixtureEntry): Buffer {
  const type = entry.type ?? 'file';
  const typeflag = TYPEFLAGS[type] ?? type;
  const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : (entry.content ?? Buffer.alloc(0));
  const size = typeflag === '0' || typeflag === '7' ? content.length : 0;
  const linkname = entry.linkname ?? '';
  const parts: Buffer[] = [];
  const records: string[] = [];
  if (Buffer.byteLength(entry.name) > 100) records.push(paxRecord('path', entry.name));
  if (Buffer.byteLength(linkname) > 100) records.push(paxRecord('linkpath', linkname));
  if (records.length > 0) {
    const data = Buffer.from(records.join(''));
    parts.push(header({ name: 'PaxHeader', typeflag: 'x', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: 0, linkname: '', uname: '', gname: '' }));
    parts.push(padded(data));
  }
  parts.push(
    header({
      name: entry.name.slice(0, 100),
      typeflag,
      mode: entry.mode ?? (type === 'dir' ? 0o755 : 0o644),
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      size,
      mtime: entry.mtime ?? 1_600_000_000,
      linkname: linkname.slice(0, 100),
      uname: entry.uname ?? '',
      gname: entry.gname ?? '',
    }),
  );
  if (size > 0) parts.push(padded(content));
  return Buffer.concat(parts);
}

export function tarStream(entries: readonly FixtureEntry[], options: { trailer?: boolean } = {}): Buffer {
  const parts = entries.map(tarEntry);
  if (options.trailer ?? true) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface SessionCall {
  call: 'begin' | 'end';
  kind?: SyncKind;
  form?: SyncForm;
}

export function recordingSession(): SyncSession & { calls: SessionCall[] } {
  const calls: SessionCall[] = [];
  return {
    calls,
    begin: async (kind, form) => {
      calls.push({ call: 'begin', kind, form });
    },
    end: async () => {
      calls.push({ call: 'end' });
    },
  };
}

export interface CapturedIO extends CommandIO {
  out(): string;
  err(): string;
}

/** Command streams over an in-memory stdin (chunks as given) and captured output. */
export function captureIO(stdin: Buffer | readonly Buffer[] = Buffer.alloc(0)): CapturedIO {
  const sink = (into: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        into.push(Buffer.from(chunk));
        callback();
      },
    });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  return {
    stdin: Readable.from(Buffer.isBuffer(stdin) ? [stdin] : [...stdin]),
    stdout: sink(out),
    stderr: sink(err),
    out: () => Buffer.concat(out).toString(),
    err: () => Buffer.concat(err).toString(),
  };
}

export async function makeTemp(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `lr-${prefix}-`));
}

export interface TreeEntry {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  nlink: number;
  content?: string;
  link?: string;
}

/** Every entry under `root` (not following symlinks), keyed by relative path. */
export async function snapshot(root: string, withContent = true): Promise<Map<string, TreeEntry>> {
  const result = new Map<string, TreeEntry>();
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await fs.readdir(dir)).sort()) {
      const file = path.join(dir, name);
      const info = await fs.lstat(file);
      const relative = path.relative(root, file);
      const type = info.isFile() ? 'file' : info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'symlink' : 'other';
      const entry: TreeEntry = { type, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, mtimeMs: info.mtimeMs, nlink: info.nlink };
      if (type === 'file' && withContent) entry.content = (await fs.readFile(file)).toString('base64');
      if (type === 'symlink') entry.link = await fs.readlink(file);
      result.set(relative, entry);
      if (type === 'dir') await walk(file);
    }
  };
  await walk(root);
  return result;
}
