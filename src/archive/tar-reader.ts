// A streaming reader for tar archives: USTAR, PAX extended headers (path,
// linkpath, size, mtime, uid, gid) and GNU long names (L/K). It only reads;
// what to do with an entry, and what is safe, is decided by its caller.

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'character-device' | 'block-device' | 'fifo' | 'other';

export interface TarHeader {
  /** The name as stored, after PAX/GNU long-name overrides; not yet sanitised. */
  name: string;
  type: EntryType;
  /** The raw typeflag character, for messages about unsupported entries. */
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch (PAX may give fractions). */
  mtime: number;
  linkname: string;
  uname: string;
  gname: string;
}

export class TarFormatError extends Error {
  constructor(
    message: string,
    readonly entryIndex: number,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'TarFormatError';
  }
}

const BLOCK = 512;

/** Pulls exact byte counts out of an async source of chunks. */
class ByteSource {
  private buffered: Buffer[] = [];
  private length = 0;
  private done = false;
  offset = 0;

  constructor(private readonly iterator: AsyncIterator<Uint8Array>) {}

  private async fill(wanted: number): Promise<void> {
    while (this.length < wanted && !this.done) {
      const next = await this.iterator.next();
      if (next.done) {
        this.done = true;
        break;
      }
      if (next.value.length === 0) continue;
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
      this.buffered.push(chunk);
      this.length += chunk.length;
    }
  }

  /** Exactly n bytes, or fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const take = Math.min(n, this.length);
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.length);
    const out = all.subarray(0, take);
    const rest = all.subarray(take);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    this.offset += take;
    return out;
  }

  /** Up to `max` bytes that are already buffered or arrive next; empty at the end. */
  async readSome(max: number): Promise<Buffer> {
    if (this.length === 0) await this.fill(1);
    const first = this.buffered[0];
    if (!first) return Buffer.alloc(0);
    const take = Math.min(max, first.length);
    const out = first.subarray(0, take);
    if (take === first.length) this.buffered.shift();
    else this.buffered[0] = first.subarray(take);
    this.length -= take;
    this.offset += take;
    return out;
  }
}

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? length : nul).toString('utf8');
}

function parseNumber(block: Buffer, start: number, length: number): number | undefined {
  const field = block.subarray(start, start + length);
  if (field[0]! & 0x80) {
    // GNU base-256: big-endian two's complement with the top bit as marker.
    let value = 0;
    for (let i = 0; i < field.length; i++) value = value * 256 + (i === 0 ? field[i]! & 0x7f : field[i]!);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return parseInt(text, 8);
}

function checksumMatches(block: Buffer): boolean {
  const stored = parseNumber(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

function entryType(flag: string): EntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7': // contiguous file: a regular file everywhere that matters
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    case '3':
      return 'character-device';
    case '4':
      return 'block-device';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

/** PAX records: "<length> <key>=<value>\n", length counting the whole record. */
function parsePax(data: Buffer, entryIndex: number, offset: number): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const length = space < 0 ? NaN : Number(data.subarray(pos, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0 || pos + length > data.length) {
      throw new TarFormatError('malformed PAX extended header record', entryIndex, offset);
    }
    const record = data.subarray(space + 1, pos + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq < 0) throw new TarFormatError('malformed PAX extended header record', entryIndex, offset);
    records.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return records;
}

export interface TarEntry {
  header: TarHeader;
  /** The entry's content; must be consumed (or skipped) before the next entry. */
  body(): AsyncIterable<Buffer>;
}

export interface TarReadOptions {
  /** Largest PAX or GNU long-name record accepted, against memory exhaustion. */
  maxMetaBytes?: number;
}

/**
 * Yields the archive's entries in order. Ends at the end-of-archive blocks, or
 * at end of input on an entry boundary (as GNU tar does); throws TarFormatError
 * for a corrupt header or input that ends inside an entry.
 */
export async function* readTar(input: AsyncIterable<Uint8Array>, options: TarReadOptions = {}): AsyncGenerator<TarEntry> {
  const maxMeta = options.maxMetaBytes ?? 1024 * 1024;
  const source = new ByteSource(input[Symbol.asyncIterator]());
  let index = 0;
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;

  const readPadded = async (size: number, what: string): Promise<Buffer> => {
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    const data = await source.read(padded);
    if (data.length < padded) throw new TarFormatError(`unexpected end of input inside ${what}`, index, source.offset);
    return data.subarray(0, size);
  };

  for (;;) {
    const headerOffset = source.offset;
    const block = await source.read(BLOCK);
    if (block.length === 0) return;
    if (block.length < BLOCK) throw new TarFormatError('unexpected end of input inside a header', index, headerOffset);
    if (block.every((b) => b === 0)) return; // end-of-archive marker
    if (!checksumMatches(block)) {
      throw new TarFormatError('header checksum mismatch (corrupt or not a tar stream)', index, headerOffset);
    }
    const typeflag = String.fromCharCode(block[156]!);
    const size = parseNumber(block, 124, 12);
    if (size === undefined) throw new TarFormatError('header has an invalid size field', index, headerOffset);

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > maxMeta) throw new TarFormatError(`extended header of ${size} bytes is larger than allowed`, index, headerOffset);
      const data = await readPadded(size, 'an extended header');
      if (typeflag === 'x') pax = parsePax(data, index, headerOffset);
      else if (typeflag === 'L') longName = data.toString('utf8').replace(/\0+$/, '');
      else if (typeflag === 'K') longLink = data.toString('utf8').replace(/\0+$/, '');
      // 'g' (global) records carry nothing we apply.
      continue;
    }

    const magic = block.subarray(257, 263).toString('latin1');
    const prefix = magic.startsWith('ustar') && magic !== 'ustar ' ? cString(block, 345, 155) : '';
    const baseName = cString(block, 0, 100);
    const numeric = (key: string, start: number, length: number): number => {
      const fromPax = pax.get(key);
      if (fromPax !== undefined && /^\d+(\.\d+)?$/.test(fromPax)) return Number(fromPax);
      const value = parseNumber(block, start, length);
      if (value === undefined) throw new TarFormatError(`header has an invalid ${key} field`, index, headerOffset);
      return value;
    };
    const type = entryType(typeflag);
    const header: TarHeader = {
      name: pax.get('path') ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName),
      type,
      typeflag,
      mode: numeric('mode', 100, 8) & 0o7777,
      uid: numeric('uid', 108, 8),
      gid: numeric('gid', 116, 8),
      size: type === 'file' ? numeric('size', 124, 12) : 0,
      mtime: numeric('mtime', 136, 12),
      linkname: pax.get('linkpath') ?? longLink ?? cString(block, 157, 100),
      uname: pax.get('uname') ?? cString(block, 265, 32),
      gname: pax.get('gname') ?? cString(block, 297, 32),
    };
    if (!Number.isSafeInteger(header.size)) throw new TarFormatError('header has an invalid size field', index, headerOffset);
    pax = new Map();
    longName = undefined;
    longLink = undefined;

    // Non-file entries may still carry data blocks (e.g. some writers give hard
    // links a size); skip them so the stream stays aligned.
    const storedSize = type === 'file' ? header.size : size;
    let remaining = storedSize;
    let consumed = false;
    const entryIndex = index;
    const body = async function* (): AsyncGenerator<Buffer> {
      if (consumed) throw new Error('tar entry body read twice');
      consumed = true;
      while (remaining > 0) {
        const chunk = await source.readSome(Math.min(remaining, 1 << 20));
        if (chunk.length === 0) {
          throw new TarFormatError(`unexpected end of input inside the content of "${header.name}"`, entryIndex, source.offset);
        }
        remaining -= chunk.length;
        if (type === 'file') yield chunk;
      }
      const padding = (BLOCK - (storedSize % BLOCK)) % BLOCK;
      if (padding > 0 && (await source.read(padding)).length < padding) {
        throw new TarFormatError(`unexpected end of input after the content of "${header.name}"`, entryIndex, source.offset);
      }
    };

    yield { header, body };
    if (!consumed) for await (const _ of body()) void _;
    index++;
  }
}
