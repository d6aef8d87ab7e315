import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { downloadVerified, type DownloadOptions } from './download';

const BODY = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
const SHA = createHash('sha256').update(BODY).digest('hex');
const FAST: DownloadOptions = { attempts: 3, backoffMs: 1, connectTimeoutMs: 2000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, maxRedirects: 2 };

let dir: string;
let server: Server;
let base: string;
/** Responses the server gives to successive requests of one path; the last one repeats. */
let script: Record<string, ((res: ServerResponse) => void)[]> = {};
let hits: Record<string, number> = {};

const status = (code: number, headers: Record<string, string> = {}) => (res: ServerResponse) => {
  res.writeHead(code, headers);
  res.end(`status ${code}`);
};
const ok = (body: Buffer = BODY) => (res: ServerResponse) => {
  res.writeHead(200, { 'content-length': String(body.length) });
  res.end(body);
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'download-test-'));
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const key = req.url ?? '/';
    const n = (hits[key] = (hits[key] ?? 0) + 1);
    const responses = script[key] ?? [status(404)];
    responses[Math.min(n, responses.length) - 1]!(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  script = {};
  hits = {};
});

async function failure(uri: string, sha = SHA, options: DownloadOptions = FAST): Promise<BuildpackError> {
  const destination = path.join(dir, 'failed');
  const error = await downloadVerified(uri, destination, sha, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BuildpackError);
  expect(existsSync(destination)).toBe(false); // nothing half-written is left behind
  return error as BuildpackError;
}

describe('downloadVerified: URIs', () => {
  it('refuses something that is not a URI', async () => {
    const error = await failure('watchexec.tar.xz');
    expect([error.kind, error.message]).toEqual(['download', 'cannot download "watchexec.tar.xz": it is not a URI']);
  });

  it.each(['ftp://example.test/w.tar.xz', 'data:,hello'])('refuses the scheme of %s', async (uri) => {
    const error = await failure(uri);
    expect([error.kind, error.message]).toEqual(['download', `cannot download ${uri}: only https://, http:// and file:// URIs are supported`]);
  });
});

describe('downloadVerified: file://', () => {
  it('copies a file whose checksum matches', async () => {
    const source = path.join(dir, 'source.bin');
    writeFileSync(source, BODY);
    const destination = path.join(dir, 'copied.bin');
    expect(await downloadVerified(pathToFileURL(source).href, destination, SHA, FAST)).toEqual({ bytes: BODY.length });
    expect(readFileSync(destination).equals(BODY)).toBe(true);
  });

  it('refuses a checksum mismatch, naming both digests and the size, and removes the file', async () => {
    const source = path.join(dir, 'other.bin');
    writeFileSync(source, 'not watchexec');
    const uri = pathToFileURL(source).href;
    const actual = createHash('sha256').update('not watchexec').digest('hex');
    const error = await failure(uri);
    expect([error.kind, error.message]).toEqual(['checksum', `checksum mismatch for ${uri}: expected sha256:${SHA}, got sha256:${actual} (13 bytes)`]);
  });

  it('a missing file fails at once', async () => {
    const uri = pathToFileURL(path.join(dir, 'missing.bin')).href;
    const error = await failure(uri);
    expect(error.kind).toBe('download');
    expect(error.message).toMatch(new RegExp(`^cannot download ${uri.replace(/[.]/g, '\\.')}: ENOENT`));
  });
});

describe('downloadVerified: http:// on loopback', () => {
  it('downloads and verifies', async () => {
    script['/w.tar.xz'] = [ok()];
    const destination = path.join(dir, 'http.bin');
    expect(await downloadVerified(`${base}/w.tar.xz`, destination, SHA, FAST)).toEqual({ bytes: BODY.length });
    expect(readFileSync(destination).equals(BODY)).toBe(true);
  });

  it('retries 5xx and 429 with doubling waits, reporting each retry', async () => {
    script['/flaky'] = [status(500), status(429), ok()];
    const retries: [number, string, number][] = [];
    const destination = path.join(dir, 'flaky.bin');
    await downloadVerified(`${base}/flaky`, destination, SHA, { ...FAST, attempts: 4, backoffMs: 5, onRetry: (...a) => retries.push(a) });
    expect(retries).toEqual([
      [1, 'HTTP 500', 5],
      [2, 'HTTP 429', 10],
    ]);
    expect(hits['/flaky']).toBe(3);
  });

  it('gives up after the last attempt, saying how many', async () => {
    script['/down'] = [status(503)];
    const error = await failure(`${base}/down`);
    expect([error.kind, error.message]).toEqual(['download', `cannot download ${base}/down after 3 attempts: HTTP 503`]);
    expect(hits['/down']).toBe(3);
  });

  it.each([403, 404, 410])('does not retry HTTP %i', async (code) => {
    script['/nope'] = [status(code)];
    const error = await failure(`${base}/nope`);
    expect(error.message).toBe(`cannot download ${base}/nope: HTTP ${code}`);
    expect(hits['/nope']).toBe(1);
  });

  it('does not retry a checksum mismatch', async () => {
    script['/wrong'] = [ok(Buffer.from('tampered'))];
    const error = await failure(`${base}/wrong`);
    expect(error.kind).toBe('checksum');
    expect(hits['/wrong']).toBe(1);
  });

  it('follows redirects', async () => {
    script['/r1'] = [status(302, { location: '/r2' })];
    script['/r2'] = [status(301, { location: `${base}/final` })];
    script['/final'] = [ok()];
    expect(await downloadVerified(`${base}/r1`, path.join(dir, 'redirected.bin'), SHA, FAST)).toEqual({ bytes: BODY.length });
  });

  it('stops after maxRedirects redirects, without retrying', async () => {
    for (let i = 1; i <= 5; i++) script[`/chain${i}`] = [status(302, { location: `/chain${i + 1}` })];
    script['/chain6'] = [ok()];
    const error = await failure(`${base}/chain1`);
    expect([error.kind, error.message]).toEqual([
      'download',
      `cannot download ${base}/chain1: HTTP 302: too many redirects or a redirect without a location`,
    ]);
    expect(hits).toEqual({ '/chain1': 1, '/chain2': 1, '/chain3': 1 });
  });

  it('a redirect loop is not retried', async () => {
    script['/a'] = [status(302, { location: '/b' })];
    script['/b'] = [status(302, { location: '/a' })];
    const error = await failure(`${base}/a`, SHA, { ...FAST, maxRedirects: 5 });
    expect(error.kind).toBe('download');
    expect(hits['/a']).toBe(1);
  });

  it('a redirect without a location is not retried', async () => {
    script['/nowhere'] = [status(302)];
    const error = await failure(`${base}/nowhere`);
    expect(error.message).toBe(`cannot download ${base}/nowhere: HTTP 302: too many redirects or a redirect without a location`);
    expect(hits['/nowhere']).toBe(1);
  });

  it('a body shorter than its content-length is retried', async () => {
    script['/short'] = [
      (res) => {
        res.writeHead(200, { 'content-length': String(BODY.length) });
        res.write(BODY.subarray(0, 1000));
        res.destroy();
      },
      ok(),
    ];
    expect(await downloadVerified(`${base}/short`, path.join(dir, 'short.bin'), SHA, FAST)).toEqual({ bytes: BODY.length });
    expect(hits['/short']).toBe(2);
  });
});
