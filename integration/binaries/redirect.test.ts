// Dependency redirection through the built executable: mirrors from settings
// and bindings, mappings, the offline copy inside the buildpack, and their
// precedence. buildpack.toml names the real (unreachable) GitHub URIs, so an
// install only succeeds through the redirection under test.
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAUNCH_PLAN,
  listTree,
  makeArchive,
  makeBuildpack,
  makeWorkspace,
  requireBuiltBinary,
  runBuild,
  serveFiles,
  tempDir,
  writePlan,
  type TestArchive,
  type Workspace,
} from './harness';

const RELEASES = 'https://github.com/watchexec/watchexec/releases/download';
const upstream = (a: TestArchive) => `${RELEASES}/v${a.version}/${path.basename(a.file)}`;
const mirrorPath = (a: TestArchive) => `github.com/watchexec/watchexec/releases/download/v${a.version}/${path.basename(a.file)}`;

describe('dependency mirrors, mappings and the offline copy (built SEA)', () => {
  let dir: string;
  let archive: TestArchive;
  let bp: string;
  let mirror: Awaited<ReturnType<typeof serveFiles>>;

  beforeAll(async () => {
    requireBuiltBinary();
    dir = await tempDir('redirect');
    archive = await makeArchive(dir, '2.5.1', 'amd64');
    mirror = await serveFiles({
      [mirrorPath(archive)]: archive.file,
      [`skipped/${path.basename(archive.file)}`]: archive.file,
    });
    bp = await makeBuildpack(dir, [{ ...archive, uri: upstream(archive) }]);
  });
  afterAll(async () => mirror?.close());

  /** BP_DEPENDENCY_RETRIES=0: a wrong turn fails at once instead of retrying. */
  async function workspace(name: string, settings: Record<string, string> = {}): Promise<Workspace> {
    const ws = await makeWorkspace(await tempDir(name), { BP_LIVE_RELOAD_ENABLED: 'true', BP_DEPENDENCY_RETRIES: '0', ...settings });
    await writePlan(ws, LAUNCH_PLAN);
    return ws;
  }

  async function binding(root: string, name: string, files: Record<string, string>): Promise<string> {
    const bindingDir = path.join(root, name);
    await fs.mkdir(bindingDir, { recursive: true });
    for (const [file, content] of Object.entries(files)) await fs.writeFile(path.join(bindingDir, file), content);
    return bindingDir;
  }

  async function installed(ws: Workspace): Promise<string> {
    return fs.readFile(path.join(ws.layers, 'watchexec', 'bin', 'watchexec'), 'utf8');
  }

  it('downloads through BP_DEPENDENCY_MIRROR with {originalHost}, and records the original URI', async () => {
    const ws = await workspace('env-mirror', { BP_DEPENDENCY_MIRROR: `${mirror.url}/{originalHost}` });
    const before = mirror.requests.length;
    const result = await runBuild(bp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(mirror.requests.slice(before)).toEqual([`/${mirrorPath(archive)}`]);
    expect(result.stdout).toContain(`Using mirror from BP_DEPENDENCY_MIRROR for ${upstream(archive)}: ${mirror.url}/${mirrorPath(archive)}`);
    expect(result.stdout).toContain(`Downloading ${mirror.url}/${mirrorPath(archive)}`);
    expect(result.stdout).toContain('Verifying checksum');
    expect(await installed(ws)).toContain('watchexec 2.5.1');
    const toml = parse(await fs.readFile(path.join(ws.layers, 'watchexec.toml'), 'utf8')) as { metadata: { uri: string } };
    expect(toml.metadata.uri).toBe(upstream(archive));
  });

  it('prefers BP_DEPENDENCY_MIRROR_GITHUB_COM (with skip-path) to the default mirror', async () => {
    const ws = await workspace('host-mirror', {
      BP_DEPENDENCY_MIRROR: 'http://127.0.0.1:9/unused',
      BP_DEPENDENCY_MIRROR_GITHUB_COM: `mirror=${mirror.url}/skipped,skip-path=/watchexec/watchexec/releases/download/v2.5.1`,
    });
    const result = await runBuild(bp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain(`Using mirror from BP_DEPENDENCY_MIRROR_GITHUB_COM for ${upstream(archive)}: ${mirror.url}/skipped/${path.basename(archive.file)}`);
  });

  it('takes a file:// mirror from a dependency-mirror binding under <platform>/bindings', async () => {
    const ws = await workspace('binding-mirror');
    const tree = path.join(dir, 'mirror-tree');
    await fs.mkdir(path.dirname(path.join(tree, mirrorPath(archive))), { recursive: true });
    await fs.copyFile(archive.file, path.join(tree, mirrorPath(archive)));
    await binding(path.join(ws.platform, 'bindings'), 'mirror', { type: 'dependency-mirror\n', default: `${pathToFileURL(tree).href}/{originalHost}\n` });
    const result = await runBuild(bp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain('Using mirror from binding "mirror" (dependency-mirror, key default)');
    expect(result.stdout).toContain(`Downloading ${pathToFileURL(path.join(tree, mirrorPath(archive))).href}`);
  });

  it('lets a dependency-mapping binding beat every mirror, and reads $SERVICE_BINDING_ROOT', async () => {
    const ws = await workspace('mapping', { BP_DEPENDENCY_MIRROR: 'http://127.0.0.1:9/dead' });
    const root = path.join(dir, 'service-bindings');
    await binding(root, 'maps', { type: 'dependency-mapping', [`sha256:${archive.sha256}`]: `${pathToFileURL(archive.file).href}\n` });
    await binding(root, 'mirror', { type: 'dependency-mirror', default: 'http://127.0.0.1:9/dead' });
    // A binding under <platform>/bindings is not read when SERVICE_BINDING_ROOT is set.
    await binding(path.join(ws.platform, 'bindings'), 'other', { type: 'dependency-mapping', [archive.sha256]: 'http://127.0.0.1:9/dead' });
    const result = await runBuild(bp, ws, { SERVICE_BINDING_ROOT: root });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain(`Using mapping from binding "maps" (dependency-mapping, key sha256:${archive.sha256}): ${pathToFileURL(archive.file).href}`);
  });

  it('uses the offline copy inside the buildpack before any mapping or mirror, downloading nothing', async () => {
    const offline = await makeBuildpack(await tempDir('offline-bp'), [{ ...archive, uri: upstream(archive) }]);
    const copy = path.join(offline, 'dependencies', archive.sha256, path.basename(archive.file));
    await fs.mkdir(path.dirname(copy), { recursive: true });
    await fs.copyFile(archive.file, copy);
    const ws = await workspace('offline', { BP_DEPENDENCY_MIRROR: `${mirror.url}/{originalHost}` });
    await binding(path.join(ws.platform, 'bindings'), 'maps', { type: 'dependency-mapping', [archive.sha256]: 'http://127.0.0.1:9/dead' });
    const before = mirror.requests.length;
    const result = await runBuild(offline, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(mirror.requests.length).toBe(before);
    expect(result.stdout).toContain('Using the copy inside the buildpack (offline package); nothing is downloaded');
    expect(result.stdout).toContain(`Downloading ${pathToFileURL(copy).href}`);
    expect(await installed(ws)).toContain('watchexec 2.5.1');
  });

  it('verifies the offline copy too', async () => {
    const offline = await makeBuildpack(await tempDir('offline-bad'), [{ ...archive, uri: upstream(archive) }]);
    const copy = path.join(offline, 'dependencies', archive.sha256, path.basename(archive.file));
    await fs.mkdir(path.dirname(copy), { recursive: true });
    await fs.writeFile(copy, 'tampered');
    const ws = await workspace('offline-bad');
    const result = await runBuild(offline, ws);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(`checksum mismatch for ${pathToFileURL(copy).href}: expected sha256:${archive.sha256}`);
    expect(await listTree(ws.layers)).toEqual([]);
  });

  it('warns about a binding without a type file and ignores it', async () => {
    const ws = await workspace('untyped', { BP_DEPENDENCY_MIRROR: `${mirror.url}/{originalHost}` });
    await binding(path.join(ws.platform, 'bindings'), 'untyped', { [archive.sha256]: 'http://127.0.0.1:9/dead' });
    const result = await runBuild(bp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain(`Warning: binding "untyped" (${path.join(ws.platform, 'bindings', 'untyped')}) has no "type" file, so it is ignored`);
    expect(result.stdout).toContain('Using mirror from BP_DEPENDENCY_MIRROR');
  });

  it('sends a mirror URI\'s credentials as basic auth and never shows the password', async () => {
    const seen: (string | undefined)[] = [];
    const body = await fs.readFile(archive.file);
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== `Basic ${Buffer.from('builder:s3cr:t').toString('base64')}`) res.writeHead(401).end();
      else res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const ok = await workspace('auth', { BP_DEPENDENCY_MIRROR: `http://builder:s3cr%3At@127.0.0.1:${port}/{originalHost}` });
      const result = await runBuild(bp, ok);
      expect(result.exitCode, result.output).toBe(0);
      expect(result.output).not.toContain('s3cr');
      expect(result.stdout).toContain(`Downloading http://builder:***@127.0.0.1:${port}/${mirrorPath(archive)}`);
      const denied = await workspace('auth-denied', { BP_DEPENDENCY_MIRROR: `http://builder:wrong@127.0.0.1:${port}/{originalHost}` });
      const failed = await runBuild(bp, denied);
      expect(failed.exitCode).toBe(1);
      expect(failed.stderr).toContain(`cannot download http://builder:***@127.0.0.1:${port}/${mirrorPath(archive)}: HTTP 401`);
      expect(failed.output).not.toContain('wrong');
      expect(seen.length).toBe(2);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    ['a plain-http mirror on the network', { BP_DEPENDENCY_MIRROR: 'http://mirror.example.org/{originalHost}' }, 'BP_DEPENDENCY_MIRROR="http://mirror.example.org/{originalHost}" is not valid: http:// is accepted only for a loopback host'],
    ['an unknown mirror option', { BP_DEPENDENCY_MIRROR_GITHUB_COM: 'https://m.example,depth=1' }, 'BP_DEPENDENCY_MIRROR_GITHUB_COM="https://m.example,depth=1" is not valid: unknown option "depth"'],
  ])('refuses %s before touching any layer', async (_, settings, message) => {
    const ws = await workspace('bad', settings);
    const result = await runBuild(bp, ws);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(message);
    expect(await listTree(ws.layers)).toEqual([]);
  });

  it('refuses two dependency-mirror bindings before touching any layer', async () => {
    const ws = await workspace('two-mirrors');
    await binding(path.join(ws.platform, 'bindings'), 'a', { type: 'dependency-mirror', default: 'https://a.example' });
    await binding(path.join(ws.platform, 'bindings'), 'b', { type: 'dependency-mirror', default: 'https://b.example' });
    const result = await runBuild(bp, ws);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('there are 2 bindings of type dependency-mirror ("a", "b")');
    expect(await listTree(ws.layers)).toEqual([]);
  });
});
