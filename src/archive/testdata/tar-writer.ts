// A tiny tar writer for tests: USTAR headers with a real checksum, PAX 'x'
// records and GNU 'L'/'K' long names, so tests can build exactly the entries
// (hostile ones included) that system tar refuses to write.

const BLOCK = 512;

export interface HeaderSpec {
  name: string;
  /** Typeflag character; '0' file, '1' hard link, '2' symlink, '3' char device, '5' directory, ... */
  type?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** Size written to the header; defaults to the body length. */
  size?: number;
  mtime?: number;
  linkname?: string;
  uname?: string;
  gname?: string;
  /** USTAR prefix field (POSIX magic only). */
  prefix?: string;
  /** 'ustar' writes "ustar\0" "00" (POSIX); 'gnu' writes "ustar  \0" (GNU); 'v7' leaves the magic empty. */
  magic?: 'ustar' | 'gnu' | 'v7';
  body?: string | Uint8Array;
}

function put(block: Buffer, offset: number, length: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > length) throw new Error(`tar-writer: ${JSON.stringify(text)} does not fit in ${length} bytes`);
  bytes.copy(block, offset);
}

/** Zero-padded octal of `width - 1` digits followed by NUL, as tar writes numbers. */
export function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** Sum of the header bytes with the checksum field counted as eight spaces. */
export function headerChecksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

export function header(spec: HeaderSpec): Buffer {
  const block = Buffer.alloc(BLOCK);
  const body = bodyOf(spec);
  put(block, 0, 100, spec.name);
  put(block, 100, 8, octal(spec.mode ?? 0o644, 8));
  put(block, 108, 8, octal(spec.uid ?? 1000, 8));
  put(block, 116, 8, octal(spec.gid ?? 1000, 8));
  put(block, 124, 12, octal(spec.size ?? body.length, 12));
  put(block, 136, 12, octal(spec.mtime ?? 1_700_000_000, 12));
  put(block, 156, 1, spec.type ?? '0');
  put(block, 157, 100, spec.linkname ?? '');
  const magic = spec.magic ?? 'ustar';
  if (magic === 'ustar') {
    put(block, 257, 6, 'ustar\0');
    put(block, 263, 2, '00');
  } else if (magic === 'gnu') {
    put(block, 257, 8, 'ustar  \0');
  }
  if (magic !== 'v7') {
    put(block, 265, 32, spec.uname ?? 'user');
    put(block, 297, 32, spec.gname ?? 'group');
    if (spec.prefix) put(block, 345, 155, spec.prefix);
  }
  writeChecksum(block);
  return block;
}

export function writeChecksum(block: Buffer): void {
  put(block, 148, 8, octal(headerChecksum(block), 7) + ' ');
}

function bodyOf(spec: HeaderSpec): Buffer {
  return typeof spec.body === 'string' ? Buffer.from(spec.body, 'utf8') : Buffer.from(spec.body ?? new Uint8Array());
}

function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

/** A header followed by its body, padded to whole blocks. */
export function entry(spec: HeaderSpec): Buffer {
  return Buffer.concat([header(spec), padded(bodyOf(spec))]);
}

/** One PAX record, "<length> <key>=<value>\n", the length counting itself. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restLength = Buffer.byteLength(rest);
  let length = restLength + 1;
  while (String(length).length + restLength !== length) length = String(length).length + restLength;
  return `${length}${rest}`;
}

/** A PAX extended header ('x', or 'g' for global) applying `records` to the next entry. */
export function pax(records: Record<string, string>, type: 'x' | 'g' = 'x'): Buffer {
  const body = Object.entries(records)
    .map(([k, v]) => paxRecord(k, v))
    .join('');
  return entry({ name: 'PaxHeaders/x', type, body });
}

/** A GNU long name ('L') or long link name ('K') record for the next entry. */
export function gnuLong(name: string, type: 'L' | 'K' = 'L'): Buffer {
  return entry({ name: '././@LongLink', type, magic: 'gnu', mode: 0, uid: 0, gid: 0, mtime: 0, body: `${name}\0` });
}

/** Entries followed by the two zero blocks that end an archive. */
export function archive(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, Buffer.alloc(2 * BLOCK)]);
}

/** `data` as an async stream of chunks of `size` bytes, to exercise block boundaries. */
export async function* chunked(data: Uint8Array, size = data.length || 1): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
