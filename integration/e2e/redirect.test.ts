// Dependency redirection in real pack builds: buildpack.toml names watchexec
// by its upstream (unreachable) URI, and the build gets it through a loopback
// HTTP mirror (--network host to reach 127.0.0.1), a dependency-mirror binding
// with a file:// mirror, or a dependency-mapping binding, mounted as pack does
// it: --volume DIR:/platform/bindings/<name>.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFiles } from '../binaries/harness';
import { mirrorPath, pack, PROCFILE_BP, stageBuildpack, upstreamUri } from './delivery';
import { copyApp, lifecycleMetadata, provisioned, removeImage, tempDir, type Provisioned } from './harness';

const IMAGE = 'lr-e2e/redirect';

describe('dependency mirrors and mappings in pack builds', () => {
  let p: Provisioned;
  let bp: string;
  let app: string;
  let dir: string;
  let upstream: string;
  let server: Awaited<ReturnType<typeof serveFiles>>;

  beforeAll(async () => {
    p = provisioned();
    dir = await tempDir('redirect');
    upstream = upstreamUri(p.WATCHEXEC_VERSION, p.WATCHEXEC_ARCHIVE);
    bp = await stageBuildpack([{ version: p.WATCHEXEC_VERSION, arch: 'amd64', uri: upstream, sha256: p.WATCHEXEC_SHA256 }], p.WATCHEXEC_VERSION);
    app = await copyApp('python-web');
    await removeImage(IMAGE);
    server = await serveFiles({ [mirrorPath(upstream)]: p.WATCHEXEC_ARCHIVE, 'cache/watchexec.tar.xz': p.WATCHEXEC_ARCHIVE });
  });

  afterAll(async () => {
    await server?.close();
    await removeImage(IMAGE);
  });

  async function build(env: Record<string, string>, options: Parameters<typeof pack>[2]) {
    const args = ['build', IMAGE, '--path', app, '--builder', p.BUILDER, '--trust-builder', '--trust-extra-buildpacks', '--buildpack', PROCFILE_BP, '--buildpack', bp];
    for (const [k, v] of Object.entries({ BP_LIVE_RELOAD_ENABLED: 'true', BP_DEPENDENCY_RETRIES: '0', ...env })) args.push('--env', `${k}=${v}`);
    return pack(p, args, options);
  }

  async function binding(name: string, files: Record<string, string>): Promise<string> {
    const bindingDir = path.join(dir, 'bindings', name);
    await fs.mkdir(bindingDir, { recursive: true });
    for (const [file, content] of Object.entries(files)) await fs.writeFile(path.join(bindingDir, file), content);
    return bindingDir;
  }

  function installedChecksum(): unknown {
    return lifecycleMetadata(IMAGE).buildpacks.find((b) => b.key === 'livereload/watchexec')?.layers?.watchexec?.data;
  }

  it('downloads through BP_DEPENDENCY_MIRROR from a loopback HTTP mirror', async () => {
    const before = server.requests.length;
    const result = await build({ BP_DEPENDENCY_MIRROR: `${server.url}/{originalHost}` }, { network: 'host' });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain(`Using mirror from BP_DEPENDENCY_MIRROR for ${upstream}: ${server.url}/${mirrorPath(upstream)}`);
    expect(server.requests.slice(before)).toEqual([`/${mirrorPath(upstream)}`]);
    expect(installedChecksum()).toMatchObject({ checksum: `sha256:${p.WATCHEXEC_SHA256}`, uri: upstream });
  });

  it('takes a file:// mirror from a dependency-mirror binding, with --network none', async () => {
    const tree = path.join(dir, 'mirror-tree');
    await fs.mkdir(path.dirname(path.join(tree, mirrorPath(upstream))), { recursive: true });
    await fs.copyFile(p.WATCHEXEC_ARCHIVE, path.join(tree, mirrorPath(upstream)));
    const mirror = await binding('mirror', { type: 'dependency-mirror\n', default: 'file:///mirror/{originalHost}\n' });
    // A fresh image: nothing to reuse.
    await removeImage(IMAGE);
    const result = await build({}, { network: 'none', volumes: [`${mirror}:/platform/bindings/mirror:ro`, `${tree}:/mirror:ro`] });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain('Using mirror from binding "mirror" (dependency-mirror, key default)');
    expect(result.log).toContain(`Downloading file:///mirror/${mirrorPath(upstream)}`);
  });

  it('lets a dependency-mapping binding win over the mirror setting', async () => {
    const mapping = await binding('mapping', { type: 'dependency-mapping\n', [`sha256:${p.WATCHEXEC_SHA256}`]: `${server.url}/cache/watchexec.tar.xz\n` });
    await removeImage(IMAGE);
    const before = server.requests.length;
    const result = await build({ BP_DEPENDENCY_MIRROR: 'http://127.0.0.1:9/dead/{originalHost}' }, { network: 'host', volumes: [`${mapping}:/platform/bindings/mapping:ro`] });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain(`Using mapping from binding "mapping" (dependency-mapping, key sha256:${p.WATCHEXEC_SHA256}): ${server.url}/cache/watchexec.tar.xz`);
    expect(server.requests.slice(before)).toEqual(['/cache/watchexec.tar.xz']);
  });

  it('refuses a plain-http mirror that is not on loopback, naming the setting', async () => {
    await removeImage(IMAGE);
    const result = await build({ BP_DEPENDENCY_MIRROR: 'http://mirror.example.org/{originalHost}' }, { network: 'none' });
    expect(result.exitCode).not.toBe(0);
    expect(result.log).toContain('BP_DEPENDENCY_MIRROR="http://mirror.example.org/{originalHost}" is not valid: http:// is accepted only for a loopback host');
  });
});
