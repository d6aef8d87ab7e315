// Fuzzing our tar in-process with mutated versions of valid streams (Tilt,
// Skaffold and hand-made ones from streamgen): byte and bit flips,
// truncations, splices and header-field rewrites with a correct checksum.
// Whatever the input: runTar resolves to 0 or 2, nothing outside the root
// changes, no temp file is left. Seeded (FUZZ_SEED=...) and reproducible.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Owners } from '../../src/sync/owners';
import { NO_SESSION } from '../../src/sync/session';
import { captureIO, makeTemp } from '../../src/sync/tar-fixture';
import { runTar } from '../../src/sync/tar-command';
import { generate, goAvailable, spec } from './sync-harness';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/** mulberry32: small, fast, good enough to drive mutations reproducibly. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets of the header blocks of a valid stream. */
function headerOffsets(stream: Buffer): number[] {
  const offsets: number[] = [];
  for (let offset = 0; offset + 512 <= stream.length; ) {
    const block = stream.subarray(offset, offset + 512);
    if (block.every((byte) => byte === 0)) break;
    offsets.push(offset);
    const size = parseInt(block.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    const typeflag = String.fromCharCode(block[156]!);
    const hasData = '07xgLK'.includes(typeflag) || typeflag === '\0';
    offset += 512 + (hasData ? Math.ceil(size / 512) * 512 : 0);
  }
  return offsets;
}

function fixChecksum(stream: Buffer, offset: number): void {
  const block = stream.subarray(offset, offset + 512);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}

const FIELDS: Record<string, [number, number]> = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  size: [124, 12],
  mtime: [136, 12],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 8],
  prefix: [345, 155],
};

interface Mutator {
  stream: Buffer;
  random: () => number;
  sibling: string;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function mutate({ stream, random, sibling }: Mutator): { bytes: Buffer; how: string } {
  let bytes = Buffer.from(stream);
  const headers = headerOffsets(stream);
  const int = (max: number): number => Math.floor(random() * max);
  const hows: string[] = [];
  const rounds = 1 + int(3);
  for (let round = 0; round < rounds; round++) {
    const kind = int(10);
    if (kind === 0) {
      for (let i = 0, n = 1 + int(8); i < n; i++) bytes[int(bytes.length)] = int(256);
      hows.push('bytes');
    } else if (kind === 1) {
      for (let i = 0, n = 1 + int(4); i < n; i++) bytes[int(bytes.length)]! ^= 1 << int(8);
      hows.push('bits');
    } else if (kind === 2) {
      bytes = bytes.subarray(0, int(bytes.length));
      hows.push('truncate');
    } else if (kind === 3 && headers.length > 0) {
      // Splice: repeat or drop a 512-byte block.
      const at = Math.floor(int(bytes.length) / 512) * 512;
      const block = Buffer.from(bytes.subarray(pick(random, headers), pick(random, headers) + 512));
      bytes = int(2) === 0 ? Buffer.concat([bytes.subarray(0, at), block, bytes.subarray(at)]) : Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 512)]);
      hows.push('splice');
    } else if (headers.length > 0) {
      const offset = pick(random, headers);
      if (offset + 512 > bytes.length) continue;
      const field = pick(random, Object.keys(FIELDS));
      const [start, length] = FIELDS[field]!;
      const value = fieldValue(field, random, sibling);
      bytes.fill(0, offset + start, offset + start + length);
      bytes.write(value, offset + start, length, 'utf8');
      if (int(8) !== 0) fixChecksum(bytes, offset);
      hows.push(`field:${field}`);
    }
  }
  return { bytes, how: hows.join('+') };
}

function fieldValue(field: string, random: () => number, sibling: string): string {
  const int = (max: number): number => Math.floor(random() * max);
  const octal = (digits: number): string => Math.floor(random() * 8 ** digits).toString(8).padStart(digits, '0');
  switch (field) {
    case 'name':
    case 'linkname':
    case 'prefix':
      return pick(random, ['../evil', '..', '.', '/', '', 'a/../../b', `${sibling}/canary`, '../sibling/canary', 'pre/x', 'pre', 'inner/y', 'x/../../..', 'dir/', 'f\0hidden', 'ok/file', 'app', 'app/src', 'a'.repeat(99), 'é/ü']);
    case 'typeflag':
      return pick(random, ['0', '1', '2', '3', '4', '5', '6', '7', 'x', 'g', 'L', 'K', 'S', 'V', 'Z', '\0']);
    case 'magic':
      return pick(random, ['ustar\x0000', 'ustar  \0', 'garbage', '']);
    case 'size':
      return pick(random, [octal(11), octal(int(11) + 1), '77777777777', '0', 'zz', '\x80\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00']);
    default:
      return pick(random, [octal(7), octal(int(7) + 1), '7777777', '0', '-1', 'x']);
  }
}

/** Every name under `dir`, never following symlinks (readdir's `recursive` follows them). */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    names.push(prefix + entry.name);
    if (entry.isDirectory()) names.push(...(await walk(path.join(dir, entry.name), `${prefix}${entry.name}/`)));
  }
  return names;
}

describe.runIf(goAvailable())('fuzzing our tar', () => {
  let work: string;
  const bases: Buffer[] = [];

  beforeAll(async () => {
    work = await makeTemp('fuzz');
    const src = path.join(work, 'src');
    await fs.mkdir(path.join(src, 'app/src/lib'), { recursive: true });
    await fs.writeFile(path.join(src, 'app/src/main.js'), 'console.log(1)\n');
    await fs.writeFile(path.join(src, 'app/src/lib/util.js'), 'x'.repeat(1500));
    await fs.writeFile(path.join(src, 'app/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await fs.writeFile(path.join(src, `app/${'long'.repeat(30)}.txt`), 'pax\n');
    await fs.writeFile(path.join(src, 'app/ünï.txt'), 'non-ascii\n');
    await fs.symlink('src/main.js', path.join(src, 'app/link'));
    await fs.symlink('/etc/hostname', path.join(src, 'app/abs'));
    bases.push(await generate(['tilt', '-src', src, '-dest', '/', 'app']));
    bases.push(await generate(['skaffold', '-src', src, '-dest', '/srv', 'app']));
    bases.push(
      await spec([
        { name: 'd', type: 'dir', mode: 0o555 },
        { name: 'd/f', type: 'file', content: 'in a read-only dir' },
        { name: 's', type: 'symlink', linkname: 'd' },
        { name: 'h', type: 'hardlink', linkname: 'd/f' },
        { name: `gnu/${'n'.repeat(150)}`, type: 'file', content: 'GNU long name', format: 'gnu' },
        { name: 'p', type: 'file', content: 'pax', format: 'pax' },
        { name: 'big', type: 'file', size: 300_000 },
      ]),
    );
  }, 120_000);

  afterAll(async () => {
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  it(`extracts ${ITERATIONS} mutated streams without escaping, throwing or leaving temp files`, { timeout: 300_000 }, async () => {
    const random = prng(SEED);
    console.log(`fuzz: seed ${SEED} (set FUZZ_SEED to replay)`);
    const parent = path.join(work, 'parent');
    const root = path.join(parent, 'root');
    const sibling = path.join(parent, 'sibling');
    await fs.mkdir(sibling, { recursive: true });
    await fs.writeFile(path.join(sibling, 'canary'), 'untouched');
    const canaryBefore = await fs.stat(path.join(sibling, 'canary'));
    const siblingBefore = await fs.stat(sibling);
    const owners = new Owners();
    const stats = { codes: new Map<number, number>(), refused: 0, fatal: 0, members: 0 };
    const started = Date.now();

    for (let i = 0; i < ITERATIONS; i++) {
      await fs.rm(root, { recursive: true, force: true });
      await fs.mkdir(root);
      await fs.symlink(sibling, path.join(root, 'pre'));
      await fs.symlink('../sibling', path.join(root, 'inner'));
      const base = bases[i % 7 === 6 ? 2 : i % 2]!;
      const { bytes, how } = mutate({ stream: base, random, sibling });
      const io = captureIO(bytes);
      const args = i % 3 === 0 ? ['xmf', '-', '-C', root, '--no-same-owner'] : ['-C', root, '-x', '-f', '-'];
      const env = { uid: i % 5 === 0 ? 1000 : 0, umask: 0o022, owners };
      let code: number;
      try {
        code = await runTar(args, io, NO_SESSION, env);
      } catch (error) {
        throw new Error(`seed ${SEED}, iteration ${i} (${how}): runTar threw ${String(error)}`);
      }
      const context = `seed ${SEED}, iteration ${i} (${how})`;
      if (code !== 0 && code !== 2) throw new Error(`${context}: exit code ${code}`);
      stats.codes.set(code, (stats.codes.get(code) ?? 0) + 1);
      const err = io.err();
      if (err.includes('refusing')) stats.refused++;
      if (err.includes('truncated or corrupt')) stats.fatal++;

      const names = await walk(root);
      stats.members += names.length - 2;
      const temps = names.filter((name) => name.includes('.lrsync-'));
      if (temps.length > 0) throw new Error(`${context}: temp files left: ${temps.join(', ')}`);
      const [parentNames, siblingNames, canary, siblingNow] = await Promise.all([
        fs.readdir(parent),
        fs.readdir(sibling),
        fs.stat(path.join(sibling, 'canary')),
        fs.stat(sibling),
      ]);
      const outside = { parentNames: parentNames.sort(), siblingNames, canary: [canary.size, canary.mtimeMs, canary.nlink, canary.mode], dir: [siblingNow.mtimeMs, siblingNow.mode] };
      expect(outside, context).toEqual({
        parentNames: ['root', 'sibling'],
        siblingNames: ['canary'],
        canary: [canaryBefore.size, canaryBefore.mtimeMs, canaryBefore.nlink, canaryBefore.mode],
        dir: [siblingBefore.mtimeMs, siblingBefore.mode],
      });
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz: seed ${SEED}, ${ITERATIONS} streams in ${seconds}s; exit codes ${JSON.stringify(Object.fromEntries(stats.codes))}; ` +
        `${stats.refused} with refused members, ${stats.fatal} truncated/corrupt, ${stats.members} entries extracted`,
    );
    // The mutations must exercise both outcomes, or the test proves little.
    expect(stats.codes.get(0) ?? 0).toBeGreaterThan(ITERATIONS / 20);
    expect(stats.codes.get(2) ?? 0).toBeGreaterThan(ITERATIONS / 20);
    expect(stats.refused).toBeGreaterThan(0);
  });
});
