// Turns a compressed archive file into a stream of tar bytes, choosing the
// decoder by the file's magic bytes rather than trusting its name.
import { createReadStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';

export type Compression = 'xz' | 'gzip' | 'none';

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

export async function sniffCompression(file: string): Promise<Compression> {
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(6);
    const { bytesRead } = await handle.read(head, 0, 6, 0);
    const start = head.subarray(0, bytesRead);
    if (start.subarray(0, 6).equals(XZ_MAGIC)) return 'xz';
    if (start.subarray(0, 2).equals(GZIP_MAGIC)) return 'gzip';
    return 'none';
  } finally {
    await handle.close();
  }
}

export class SizeLimitError extends Error {
  constructor(readonly limit: number) {
    super(`decompressed data exceeds ${limit} bytes`);
    this.name = 'SizeLimitError';
  }
}

/** Decompressed bytes of `file`, failing once more than `limit` bytes come out. */
export async function* decompressedChunks(file: string, compression: Compression, limit: number): AsyncGenerator<Uint8Array> {
  let source: AsyncIterable<Uint8Array>;
  if (compression === 'xz') {
    // Loaded on demand: it compiles a WebAssembly module when imported.
    const { XzReadableStream } = await import('xz-decompress');
    const web = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
    source = Readable.fromWeb(new XzReadableStream(web) as unknown as WebReadableStream<Uint8Array>);
  } else if (compression === 'gzip') {
    source = createReadStream(file).pipe(createGunzip());
  } else {
    source = createReadStream(file);
  }
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > limit) throw new SizeLimitError(limit);
    yield chunk;
  }
}
