// The bounds of a download: body size (an endless or huge body must not fill
// the disk) and the messages of the timeouts, which say which wait ran out.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { downloadVerified, MAX_DOWNLOAD_BYTES, type DownloadOptions } from './download';

const SHA = '0'.repeat(64);
const FAST: DownloadOptions = { attempts: 2, backoffMs: 1, connectTimeoutMs: 2000, headersTimeoutMs: 300, bodyTimeoutMs: 300, maxRedirects: 2 };

let dir: string;
let server: Server;
let base: string;
const hits: Record<string, number> = {};
const routes: Record<string, (res: ServerResponse) => void> = {
  '/endless': (res) => {
    res.writeHead(200);
    const chunk = Buffer.alloc(64 * 1024);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  },
  '/huge': (res) => {
    res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
    res.write(Buffer.alloc(1024));
  },
  '/silent': () => {},
  '/stall': (res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('x');
  },
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'download-limits-'));
  server = createServer((req, res) => {
    const key = req.url ?? '/';
    hits[key] = (hits[key] ?? 0) + 1;
    (routes[key] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function failure(uri: string, options: DownloadOptions): Promise<BuildpackError> {
  const destination = path.join(dir, 'out');
  const error = await downloadVerified(uri, destination, SHA, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BuildpackError);
  expect(existsSync(destination)).toBe(false);
  return error as BuildpackError;
}

describe('downloadVerified: size bound', () => {
  it('defaults to the extractor bound of 512 MiB', () => {
    expect(MAX_DOWNLOAD_BYTES).toBe(512 * 1024 * 1024);
  });

  it('cuts a body that never ends at maxBytes, without a retry', async () => {
    const error = await failure(`${base}/endless`, { ...FAST, maxBytes: 1024 * 1024 });
    expect(error.message).toBe(`cannot download ${base}/endless: the body is larger than 1 MiB`);
    expect(hits['/endless']).toBe(1);
  });

  it('refuses a declared length beyond maxBytes before reading the body, without a retry', async () => {
    const error = await failure(`${base}/huge`, { ...FAST, maxBytes: 1024 * 1024 });
    expect(error.message).toBe(`cannot download ${base}/huge: the server announces ${10 * 1024 * 1024} bytes, more than 1 MiB`);
    expect(hits['/huge']).toBe(1);
  });

  it('bounds file:// copies too', async () => {
    const file = path.join(dir, 'big.bin');
    writeFileSync(file, Buffer.alloc(2 * 1024 * 1024));
    const uri = pathToFileURL(file).href;
    const error = await failure(uri, { ...FAST, maxBytes: 1024 * 1024 });
    expect(error.message).toBe(`cannot download ${uri}: the body is larger than 1 MiB`);
  });
});

describe('downloadVerified: timeout messages', () => {
  it('names the headers wait and the setting that sets it', async () => {
    const error = await failure(`${base}/silent`, { ...FAST, timeoutSetting: 'BP_DEPENDENCY_TIMEOUT' });
    expect(error.message).toBe(`cannot download ${base}/silent after 2 attempts: no response within 300ms (BP_DEPENDENCY_TIMEOUT)`);
  });

  it('names the body wait', async () => {
    const error = await failure(`${base}/stall`, { ...FAST, attempts: 1 });
    expect(error.message).toBe(`cannot download ${base}/stall: the body stalled for more than 300ms`);
  });
});
