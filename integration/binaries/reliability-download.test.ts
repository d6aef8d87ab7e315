// Downloads through the BUILT bin/build against a loopback server that
// misbehaves on purpose (fault-server.ts). For every fault: the right outcome,
// a message naming the URL (and both checksums where they matter), no layer or
// staging directory left behind, and a good layer from an earlier build untouched.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  cutOff,
  cutOffChunked,
  endless,
  ok,
  redirect,
  silent,
  stall,
  startFaultServer,
  startForwardProxy,
  status,
  type FaultServer,
  type ForwardProxy,
} from './fault-server';
import {
  LAUNCH_PLAN,
  listTree,
  makeArchive,
  makeBuildpack,
  makeWorkspace,
  requireBuiltBinary,
  runBuild,
  writePlan,
  type Run,
  type TestArchive,
  type Workspace,
} from './harness';
import { snapshot, tempDirs } from './reliability-helpers';

const NEW = '/watchexec-2.5.1.tar.xz';
const OLD = '/watchexec-2.4.1.tar.xz';

let dir: string;
let server: FaultServer;
let proxy: ForwardProxy;
let archive: TestArchive;
let older: TestArchive;
let body: Buffer;
let bp: string;

const dirs = tempDirs('dl');
const temp = dirs.make;

async function workspace(name: string, settings: Record<string, string> = {}): Promise<Workspace> {
  const ws = await makeWorkspace(await temp(name), {
    BP_LIVE_RELOAD_ENABLED: 'true',
    BP_LIVE_RELOAD_SYNC_HELPER: 'false', // no 100 MB copy of the executable per workspace
    BP_DEPENDENCY_RETRIES: '1',
    ...settings,
  });
  await writePlan(ws, LAUNCH_PLAN);
  await fs.writeFile(path.join(ws.app, 'Procfile'), 'web: python3 server.py\n');
  return ws;
}

/**
 * A build of watchexec 2.4.1 that succeeded earlier, as the next build finds it: the layer and its
 * toml restored (a cached layer), launch.toml gone. Returns its snapshot.
 */
async function previousGoodLayer(ws: Workspace): Promise<Record<string, string>> {
  const pin = path.join(ws.platform, 'env', 'BP_WATCHEXEC_VERSION');
  await fs.writeFile(pin, '2.4.1');
  const first = await runBuild(bp, ws);
  expect(first.exitCode, first.output).toBe(0);
  await fs.rm(pin);
  await fs.rm(path.join(ws.layers, 'launch.toml'));
  expect(await fs.readFile(path.join(ws.layers, 'watchexec', 'bin', 'watchexec'), 'utf8')).toContain('2.4.1');
  return snapshot(ws.layers);
}

/** Runs a build expected to fail, checks the exit code, the message and that the layers dir is unchanged. */
async function failingBuild(ws: Workspace, before: Record<string, string>, ...fragments: string[]): Promise<Run> {
  const result = await runBuild(bp, ws);
  expect(result.exitCode, result.output).toBe(1);
  for (const fragment of fragments) expect(result.stderr).toContain(fragment);
  expect(await snapshot(ws.layers)).toEqual(before);
  expect((await listTree(ws.layers)).filter((p) => p.includes('staging'))).toEqual([]);
  return result;
}

/** Runs a build expected to install 2.5.1 from the fault server. */
async function goodBuild(ws: Workspace, env: Record<string, string> = {}): Promise<Run> {
  const result = await runBuild(bp, ws, env);
  expect(result.exitCode, result.output).toBe(0);
  expect(await fs.readFile(path.join(ws.layers, 'watchexec', 'bin', 'watchexec'), 'utf8')).toContain('watchexec 2.5.1');
  expect((await listTree(ws.layers)).filter((p) => p.includes('staging'))).toEqual([]);
  return result;
}

beforeAll(async () => {
  requireBuiltBinary();
  dir = await temp('fixtures');
  // A release-shaped archive padded so a body can be cut in the middle of real data.
  archive = await makeArchive(dir, '2.5.1', 'amd64', 'gz');
  older = await makeArchive(dir, '2.4.1', 'amd64', 'gz');
  body = await fs.readFile(archive.file);
  server = await startFaultServer();
  proxy = await startForwardProxy();
  bp = await makeBuildpack(dir, [
    { ...archive, uri: `${server.url}${NEW}` },
    { ...older, uri: `${server.url}${OLD}` },
  ]);
});

afterAll(async () => {
  await server?.close();
  await proxy?.close();
  await dirs.cleanup();
});

beforeEach(async () => {
  server.reset();
  server.script[OLD] = [ok(await fs.readFile(older.file))];
  proxy.requests.length = 0;
});

describe('downloads through the built bin/build: faults', () => {
  it('a body cut off mid-way is retried, and the retry is logged', async () => {
    server.script[NEW] = [cutOff(body, Math.floor(body.length / 2)), ok(body)];
    const result = await goodBuild(await workspace('cut-once'));
    expect(server.hits[NEW]).toBe(2);
    expect(result.stdout).toMatch(/Attempt 1 failed \(.+\); retrying in 500ms/);
  });

  it('a body cut off mid-way every time fails after the last attempt, naming the URL; the old layer is untouched', async () => {
    server.script[NEW] = [cutOff(body, Math.floor(body.length / 2))];
    const ws = await workspace('cut');
    const before = await previousGoodLayer(ws);
    await failingBuild(ws, before, `cannot download ${server.url}${NEW} after 2 attempts: `);
    expect(server.hits[NEW]).toBe(2);
  });

  it('a chunked body cut off before its last chunk is not taken for a complete one', async () => {
    server.script[NEW] = [cutOffChunked(body, Math.floor(body.length / 3))];
    const ws = await workspace('cut-chunked');
    const before = await previousGoodLayer(ws);
    await failingBuild(ws, before, `cannot download ${server.url}${NEW} after 2 attempts: `);
    expect(server.hits[NEW]).toBe(2);
  });

  it('wrong bytes with a 200 fail on the checksum, naming the URL and both digests, without a retry', async () => {
    const tampered = Buffer.from(body);
    const middle = tampered.length >> 1;
    tampered[middle] = tampered[middle]! ^ 0xff;
    server.script[NEW] = [ok(tampered)];
    const ws = await workspace('tampered');
    const before = await previousGoodLayer(ws);
    const actual = createHash('sha256').update(tampered).digest('hex');
    await failingBuild(
      ws,
      before,
      `checksum mismatch for ${server.url}${NEW}: expected sha256:${archive.sha256}, got sha256:${actual} (${tampered.length} bytes)`,
    );
    expect(server.hits[NEW]).toBe(1);
  });

  it('HTTP 500 then 200: the retry succeeds and the log shows it', async () => {
    server.script[NEW] = [status(500), ok(body)];
    const result = await goodBuild(await workspace('500'));
    expect(server.hits[NEW]).toBe(2);
    expect(result.stdout).toContain('Attempt 1 failed (HTTP 500); retrying in 500ms');
  });

  it('HTTP 503 every time: BP_DEPENDENCY_RETRIES=2 means three attempts with doubling waits, then a clear error', async () => {
    server.script[NEW] = [status(503)];
    const ws = await workspace('503', { BP_DEPENDENCY_RETRIES: '2' });
    const before = await previousGoodLayer(ws);
    const started = performance.now();
    const result = await failingBuild(ws, before, `cannot download ${server.url}${NEW} after 3 attempts: HTTP 503`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1500);
    expect(server.hits[NEW]).toBe(3);
    expect(result.stdout).toContain('Attempt 1 failed (HTTP 503); retrying in 500ms');
    expect(result.stdout).toContain('Attempt 2 failed (HTTP 503); retrying in 1.0s');
  });

  it('BP_DEPENDENCY_RETRIES=0 makes one attempt only', async () => {
    server.script[NEW] = [status(502), ok(body)];
    const ws = await workspace('no-retry', { BP_DEPENDENCY_RETRIES: '0' });
    await failingBuild(ws, {}, `cannot download ${server.url}${NEW}: HTTP 502`);
    expect(server.hits[NEW]).toBe(1);
  });

  it('HTTP 404 is not retried and names the URL; the old layer is untouched', async () => {
    const ws = await workspace('404', { BP_DEPENDENCY_RETRIES: '3' });
    const before = await previousGoodLayer(ws);
    await failingBuild(ws, before, `cannot download ${server.url}${NEW}: HTTP 404`);
    expect(server.hits[NEW]).toBe(1);
  });

  it('a server that never sends headers times out within BP_DEPENDENCY_TIMEOUT per attempt', async () => {
    server.script[NEW] = [silent];
    const ws = await workspace('silent', { BP_DEPENDENCY_TIMEOUT: '1s', BP_DEPENDENCY_RETRIES: '1' });
    const before = await previousGoodLayer(ws);
    const started = performance.now();
    const result = await failingBuild(ws, before, `cannot download ${server.url}${NEW} after 2 attempts: `);
    const elapsed = performance.now() - started;
    // Two attempts of 1s plus the 500ms wait, far below the 30s default.
    expect(elapsed).toBeGreaterThanOrEqual(2400);
    expect(elapsed).toBeLessThan(10_000);
    expect(server.hits[NEW]).toBe(2);
    expect(result.stderr).toMatch(/no response within 1s \(BP_DEPENDENCY_TIMEOUT\)/);
  });

  it('a body that stalls half-way times out within BP_DEPENDENCY_TIMEOUT', async () => {
    server.script[NEW] = [stall(body, Math.floor(body.length / 2))];
    const ws = await workspace('stall', { BP_DEPENDENCY_TIMEOUT: '1s', BP_DEPENDENCY_RETRIES: '0' });
    const before = await previousGoodLayer(ws);
    const started = performance.now();
    const result = await failingBuild(ws, before, `cannot download ${server.url}${NEW}: `);
    expect(performance.now() - started).toBeLessThan(8000);
    expect(result.stderr).toMatch(/the body stalled for more than 1s \(BP_DEPENDENCY_TIMEOUT\)/);
  });

  it('a refused connection is retried, then names the URL and the reason', async () => {
    const port = await closedPort();
    const uri = `http://127.0.0.1:${port}${NEW}`;
    const refusing = await makeBuildpack(await temp('refused-bp'), [{ ...archive, uri }]);
    const ws = await workspace('refused');
    const result = await runBuild(refusing, ws);
    expect(result.exitCode, result.output).toBe(1);
    expect(result.stderr).toContain(`cannot download ${uri} after 2 attempts: `);
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(await listTree(ws.layers)).toEqual([]);
  });

  it('a body that never ends is cut at the size bound instead of filling the disk', async () => {
    server.script[NEW] = [endless];
    const ws = await workspace('endless', { BP_DEPENDENCY_RETRIES: '0' });
    const before = await previousGoodLayer(ws);
    await failingBuild(ws, before, `cannot download ${server.url}${NEW}: the body is larger than 512 MiB`);
  });

  it('a declared length beyond the size bound is refused before downloading', async () => {
    server.script[NEW] = [
      (_req, res) => {
        res.writeHead(200, { 'content-length': String(4 * 1024 ** 3) });
        res.write(body);
      },
    ];
    const ws = await workspace('huge', { BP_DEPENDENCY_RETRIES: '2' });
    await failingBuild(ws, {}, `cannot download ${server.url}${NEW}: the server announces ${4 * 1024 ** 3} bytes, more than 512 MiB`);
    expect(server.hits[NEW]).toBe(1);
  });
});

describe('downloads through the built bin/build: redirects', () => {
  it('follows a chain of redirects (relative and absolute, 301/302/307/308)', async () => {
    server.script[NEW] = [redirect('/r1', 301)];
    server.script['/r1'] = [redirect(`${server.url}/r2`, 302)];
    server.script['/r2'] = [redirect('/r3', 307)];
    server.script['/r3'] = [redirect('/final.tar.gz', 308)];
    server.script['/final.tar.gz'] = [ok(body)];
    await goodBuild(await workspace('redirects'));
    expect(server.hits).toMatchObject({ [NEW]: 1, '/r1': 1, '/r2': 1, '/r3': 1, '/final.tar.gz': 1 });
  });

  it('stops after 5 redirects, naming the URL, without retrying', async () => {
    server.script[NEW] = [redirect('/hop1')];
    for (let i = 1; i <= 6; i++) server.script[`/hop${i}`] = [redirect(`/hop${i + 1}`)];
    server.script['/hop7'] = [ok(body)];
    const ws = await workspace('too-many');
    const before = await previousGoodLayer(ws);
    await failingBuild(ws, before, `cannot download ${server.url}${NEW}: HTTP 302: too many redirects`);
    expect(server.hits[NEW]).toBe(1);
    expect(server.hits['/hop7']).toBeUndefined();
  });

  it('a redirect loop fails without retrying', async () => {
    server.script[NEW] = [redirect('/loop')];
    server.script['/loop'] = [redirect(NEW)];
    const ws = await workspace('loop', { BP_DEPENDENCY_RETRIES: '3' });
    await failingBuild(ws, {}, `cannot download ${server.url}${NEW}`);
    expect(server.hits[NEW]).toBe(1);
  });
});

describe('downloads through the built bin/build: proxies', () => {
  it('HTTP_PROXY is used for an http:// dependency', async () => {
    server.script[NEW] = [ok(body)];
    await goodBuild(await workspace('proxy'), { HTTP_PROXY: proxy.url });
    expect(proxy.requests).toEqual([`CONNECT ${new URL(server.url).host}`]);
    expect(server.hits[NEW]).toBe(1);
  });

  it('lower-case http_proxy is used too', async () => {
    server.script[NEW] = [ok(body)];
    await goodBuild(await workspace('proxy-lower'), { http_proxy: proxy.url });
    expect(proxy.requests).toEqual([`CONNECT ${new URL(server.url).host}`]);
  });

  it('NO_PROXY is respected: a listed host is fetched directly', async () => {
    server.script[NEW] = [ok(body)];
    await goodBuild(await workspace('no-proxy'), { HTTP_PROXY: proxy.url, NO_PROXY: 'example.invalid,127.0.0.1' });
    expect(proxy.requests).toEqual([]);
    expect(server.hits[NEW]).toBe(1);
  });

  it('HTTPS_PROXY alone does not apply to an http:// dependency', async () => {
    server.script[NEW] = [ok(body)];
    await goodBuild(await workspace('https-proxy-http'), { HTTPS_PROXY: proxy.url });
    expect(proxy.requests).toEqual([]);
  });

  it('an unreachable proxy fails the download, naming the URL; the old layer is untouched', async () => {
    server.script[NEW] = [ok(body)];
    const ws = await workspace('dead-proxy');
    const before = await previousGoodLayer(ws);
    const port = await closedPort();
    const result = await runBuild(bp, ws, { HTTP_PROXY: `http://127.0.0.1:${port}` });
    expect(result.exitCode, result.output).toBe(1);
    expect(result.stderr).toContain(`cannot download ${server.url}${NEW} after 2 attempts: `);
    expect(await snapshot(ws.layers)).toEqual(before);
    expect(server.hits[NEW]).toBeUndefined();
  });

  describe('https:// through HTTPS_PROXY', () => {
    const openssl = (() => {
      try {
        execFileSync('openssl', ['version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    let tlsServer: FaultServer;
    let tlsBp: string;
    let ca: string;

    beforeAll(async () => {
      if (!openssl) return;
      const certDir = await temp('tls');
      const key = path.join(certDir, 'key.pem');
      ca = path.join(certDir, 'cert.pem');
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', ca, '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ], { stdio: 'ignore' });
      tlsServer = await startFaultServer({ key: await fs.readFile(key, 'utf8'), cert: await fs.readFile(ca, 'utf8') });
      tlsBp = await makeBuildpack(await temp('tls-bp'), [{ ...archive, uri: `${tlsServer.url}${NEW}` }]);
    });
    afterAll(async () => tlsServer?.close());

    it.skipIf(!openssl)('goes through the proxy with CONNECT, and verifies the server certificate', async () => {
      tlsServer.script[NEW] = [ok(body)];
      const ws = await workspace('https-proxy');
      const result = await runBuild(tlsBp, ws, { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: ca });
      expect(result.exitCode, result.output).toBe(0);
      expect(proxy.requests).toEqual([`CONNECT ${new URL(tlsServer.url).host}`]);
      expect(tlsServer.hits[NEW]).toBe(1);
    });

    it.skipIf(!openssl)('refuses a server certificate it cannot verify, naming the URL, without a retry', async () => {
      tlsServer.script[NEW] = [ok(body)];
      tlsServer.hits[NEW] = 0;
      const ws = await workspace('https-untrusted', { BP_DEPENDENCY_RETRIES: '3' });
      const result = await runBuild(tlsBp, ws, { HTTPS_PROXY: proxy.url });
      expect(result.exitCode, result.output).toBe(1);
      expect(result.stderr).toContain(`cannot download ${tlsServer.url}${NEW}: `);
      expect(result.stderr).toMatch(/certificate/i);
      expect(await listTree(ws.layers)).toEqual([]);
      expect(existsSync(path.join(ws.layers, 'watchexec'))).toBe(false);
    });
  });
});
