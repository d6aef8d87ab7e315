// npm run package (online and offline) with the real pack, on a copy of
// build/buildpack whose buildpack.toml lists local archives under their
// upstream-style (unreachable) URIs: the offline packager must fetch them
// through the mirror and mapping it is given, verify them, and embed them so
// that `pack build --network none` installs watchexec without downloading.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArchive, serveFiles, type TestArchive } from '../binaries/harness';
import { BUILDPACK_IN_IMAGE, mirrorPath, pack, PROCFILE_BP, readCnb, runPackager, stageBuildpack, upstreamUri, type TestDependency } from './delivery';
import { copyApp, lifecycleMetadata, provisioned, removeImage, REPO, tempDir, type Provisioned } from './harness';

const IMAGE = 'lr-e2e/offline-package';
const SEA = (arch: string) => path.join(REPO, 'build', 'buildpack', 'linux', arch, 'bin', 'livereload');

describe('npm run package', () => {
  let p: Provisioned;
  let out: string;
  let real: TestDependency;
  let arm64: TestArchive;
  let older: TestArchive;
  let deps: TestDependency[];
  let offlineLog: string;
  let mirror: Awaited<ReturnType<typeof serveFiles>>;
  let cache: string;

  beforeAll(async () => {
    p = provisioned();
    const dir = await tempDir('package');
    // The real watchexec built by provisioning, for amd64; small stand-ins for the rest.
    real = { version: p.WATCHEXEC_VERSION, arch: 'amd64', uri: upstreamUri(p.WATCHEXEC_VERSION, p.WATCHEXEC_ARCHIVE), sha256: p.WATCHEXEC_SHA256 };
    arm64 = await makeArchive(dir, p.WATCHEXEC_VERSION, 'arm64');
    older = await makeArchive(dir, '2.4.1', 'amd64', 'gz');
    deps = [
      real,
      { version: arm64.version, arch: 'arm64', uri: upstreamUri(arm64.version, arm64.file), sha256: arm64.sha256 },
      { version: older.version, arch: 'amd64', uri: upstreamUri(older.version, older.file), sha256: older.sha256 },
    ];
    // The mirror serves the two 2.5.1 archives; a dependency-mapping binding names the 2.4.1 one.
    mirror = await serveFiles({ [mirrorPath(deps[0]!.uri)]: p.WATCHEXEC_ARCHIVE, [mirrorPath(deps[1]!.uri)]: arm64.file });
    const bindings = path.join(dir, 'bindings');
    await fs.mkdir(path.join(bindings, 'maps'), { recursive: true });
    await fs.writeFile(path.join(bindings, 'maps', 'type'), 'dependency-mapping\n');
    await fs.writeFile(path.join(bindings, 'maps', `sha256_${older.sha256}`), `file://${older.file}\n`);

    out = path.join(dir, 'packages');
    cache = path.join(dir, 'cache');
    const bp = await stageBuildpack(deps, p.WATCHEXEC_VERSION);
    const offline = await runPackager(['--offline', '--buildpack', bp, '--output', out, '--cache', cache], {
      BP_DEPENDENCY_MIRROR: `${mirror.url}/{originalHost}`,
      SERVICE_BINDING_ROOT: bindings,
    });
    offlineLog = offline.log;
    expect(offline.exitCode, offline.log).toBe(0);
    const online = await runPackager(['--buildpack', bp, '--output', out]);
    expect(online.exitCode, online.log).toBe(0);
  });

  afterAll(async () => {
    await mirror?.close();
    await removeImage(IMAGE);
  });

  it('writes one .cnb per target and flavour into the output directory, and nothing else', async () => {
    expect((await fs.readdir(out)).sort()).toEqual([
      'livereload-watchexec-0.1.0-linux-amd64.cnb',
      'livereload-watchexec-0.1.0-linux-arm64.cnb',
      'livereload-watchexec-0.1.0-offline-linux-amd64.cnb',
      'livereload-watchexec-0.1.0-offline-linux-arm64.cnb',
    ]);
  });

  it('fetches through the mirror and the mapping, and verifies', () => {
    expect(offlineLog).toContain(`Using mirror from BP_DEPENDENCY_MIRROR for ${deps[0]!.uri}: ${mirror.url}/${mirrorPath(deps[0]!.uri)}`);
    expect(offlineLog).toContain(`Using mapping from binding "maps" (dependency-mapping, key sha256_${older.sha256}): file://${older.file}`);
    expect(offlineLog).toContain(`verified sha256:${real.sha256}`);
    expect(mirror.requests.filter((r) => r.startsWith('/github.com/')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(['amd64', 'arm64'] as const)('offline linux/%s holds its executable and exactly its own archives, each described', async (arch) => {
    const cnb = await readCnb(path.join(out, `livereload-watchexec-0.1.0-offline-linux-${arch}.cnb`));
    expect(cnb.architecture).toBe(arch);
    expect(cnb.entries.get(`${BUILDPACK_IN_IMAGE}/bin/livereload`)?.size).toBe((await fs.stat(SEA(arch))).size);
    const mine = deps.filter((d) => d.arch === arch);
    const expected = mine.flatMap((d) => [`${BUILDPACK_IN_IMAGE}/dependencies/${d.sha256}.toml`, `${BUILDPACK_IN_IMAGE}/dependencies/${d.sha256}/${path.basename(new URL(d.uri).pathname)}`]);
    const files = [...cnb.entries].filter(([name, e]) => name.startsWith(`${BUILDPACK_IN_IMAGE}/dependencies/`) && e.type === '-').map(([name]) => name);
    expect(files.sort()).toEqual(expected.sort());
    for (const d of mine) {
      const archive = cnb.extract(`${BUILDPACK_IN_IMAGE}/dependencies/${d.sha256}/${path.basename(new URL(d.uri).pathname)}`);
      expect(createHash('sha256').update(archive).digest('hex')).toBe(d.sha256);
      const toml = cnb.extract(`${BUILDPACK_IN_IMAGE}/dependencies/${d.sha256}.toml`).toString();
      expect(toml).toContain(`uri = "${d.uri}"`);
      expect(toml).toContain(`checksum = "sha256:${d.sha256}"`);
      expect(toml).toContain(`arch = "${arch}"`);
    }
  });

  it.each(['amd64', 'arm64'] as const)('online linux/%s holds its executable and no archives', async (arch) => {
    const cnb = await readCnb(path.join(out, `livereload-watchexec-0.1.0-linux-${arch}.cnb`));
    expect(cnb.architecture).toBe(arch);
    expect(cnb.entries.get(`${BUILDPACK_IN_IMAGE}/bin/livereload`)?.size).toBe((await fs.stat(SEA(arch))).size);
    expect(cnb.entries.has(`${BUILDPACK_IN_IMAGE}/buildpack.toml`)).toBe(true);
    expect([...cnb.entries.keys()].filter((name) => name.includes('/dependencies'))).toEqual([]);
    expect([...cnb.entries.keys()].filter((name) => name.includes('/linux/'))).toEqual([]);
  });

  it('refuses to package offline when an archive does not match its checksum, leaving nothing behind', async () => {
    const wrong = 'e'.repeat(64);
    const bp = await stageBuildpack([{ ...deps[1]!, sha256: wrong }], p.WATCHEXEC_VERSION);
    const badOut = path.join(await tempDir('package-bad'), 'packages');
    const result = await runPackager(['--offline', '--target', 'linux/arm64', '--buildpack', bp, '--output', badOut, '--cache', cache], {
      BP_DEPENDENCY_MIRROR: `${mirror.url}/{originalHost}`,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.log).toContain(`expected sha256:${wrong}, got sha256:${arm64.sha256}`);
    expect(await fs.readdir(badOut)).toEqual([]);
    expect((await fs.readdir(cache)).sort()).toEqual(deps.map((d) => d.sha256).sort());
  });

  it('the offline package installs watchexec in a pack build with --network none, downloading nothing', async () => {
    const app = await copyApp('python-web');
    const build = await pack(
      p,
      ['build', IMAGE, '--path', app, '--builder', p.BUILDER, '--trust-builder', '--trust-extra-buildpacks', '--buildpack', PROCFILE_BP, '--buildpack', path.join(out, 'livereload-watchexec-0.1.0-offline-linux-amd64.cnb'), '--env', 'BP_LIVE_RELOAD_ENABLED=true'],
      { network: 'none' },
    );
    expect(build.exitCode, build.log).toBe(0);
    expect(build.log).toContain('Using the copy inside the buildpack (offline package); nothing is downloaded');
    expect(build.log).toContain(`Downloading file://${BUILDPACK_IN_IMAGE}/dependencies/${real.sha256}/${path.basename(p.WATCHEXEC_ARCHIVE)}`);
    const ours = lifecycleMetadata(IMAGE).buildpacks.find((b) => b.key === 'livereload/watchexec');
    expect(ours?.layers?.watchexec?.data).toMatchObject({ version: p.WATCHEXEC_VERSION, checksum: `sha256:${real.sha256}`, uri: real.uri });
    const version = await execa('docker', ['run', '--rm', '--network', 'none', '--entrypoint', '/layers/livereload_watchexec/watchexec/bin/watchexec', IMAGE, '--version'], { reject: false, all: true });
    expect(version.all).toContain(`watchexec ${p.WATCHEXEC_VERSION}`);
  });

  it('the online package cannot do that: it needs the network or a mirror', async () => {
    const app = await copyApp('python-web');
    const build = await pack(
      p,
      ['build', `${IMAGE}-online`, '--path', app, '--builder', p.BUILDER, '--trust-builder', '--trust-extra-buildpacks', '--buildpack', PROCFILE_BP, '--buildpack', path.join(out, 'livereload-watchexec-0.1.0-linux-amd64.cnb'), '--env', 'BP_LIVE_RELOAD_ENABLED=true', '--env', 'BP_DEPENDENCY_RETRIES=0'],
      { network: 'none' },
    );
    await removeImage(`${IMAGE}-online`);
    expect(build.exitCode).not.toBe(0);
    expect(build.log).toContain(`cannot download ${real.uri}`);
  });
});
