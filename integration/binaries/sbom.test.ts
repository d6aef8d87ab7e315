// The layer SBOMs written by the BUILT bin/build, checked against the official
// schemas of CycloneDX 1.6, SPDX 2.3 and Syft JSON, and against what is really
// in the executable (esbuild's metafile of the bundle).
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAUNCH_PLAN,
  makeArchive,
  makeBuildpack,
  makeWorkspace,
  REPO,
  requireBuiltBinary,
  runBuild,
  serveFiles,
  tempDir,
  writePlan,
  type TestArchive,
  type Workspace,
} from './harness';
import { sbomValidator, type SbomFormat, type SbomValidator } from './sbom-schemas';

type Json = Record<string, any>;
const FORMATS: SbomFormat[] = ['cdx', 'spdx', 'syft'];

/** The npm packages in the bundle, found independently of the build script: metafile inputs -> package.json. */
async function bundledPackages(): Promise<{ name: string; version: string; license: string }[]> {
  const meta = JSON.parse(await fs.readFile(path.join(REPO, 'build', 'dist', 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
  const dirs = new Set<string>();
  for (const input of Object.keys(meta.inputs)) {
    const at = input.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = input.slice(at + 'node_modules/'.length).split('/');
    const name = parts[0]!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    if (parts.length > name.split('/').length) dirs.add(input.slice(0, at + 'node_modules/'.length) + name);
  }
  const packages = [];
  for (const dir of dirs) {
    const pkg = JSON.parse(await fs.readFile(path.join(REPO, dir, 'package.json'), 'utf8'));
    packages.push({ name: pkg.name, version: pkg.version, license: pkg.license });
  }
  return packages.sort((a, b) => a.name.localeCompare(b.name));
}

describe('layer SBOMs from bin/build (built SEA)', () => {
  let dir: string;
  let archive: TestArchive;
  let server: Awaited<ReturnType<typeof serveFiles>>;
  let bp: string;
  let validator: SbomValidator;
  let ws: Workspace;

  const read = async (layer: string, format: SbomFormat): Promise<Json> =>
    JSON.parse(await fs.readFile(path.join(ws.layers, `${layer}.sbom.${format}.json`), 'utf8'));

  beforeAll(async () => {
    requireBuiltBinary();
    validator = sbomValidator();
    dir = await tempDir('sbom');
    archive = await makeArchive(dir, '2.5.1', 'amd64');
    server = await serveFiles({ [path.basename(archive.file)]: archive.file });
    bp = await makeBuildpack(dir, [{ ...archive, uri: `${server.url}/${path.basename(archive.file)}` }]);
    ws = await makeWorkspace(await tempDir('sbom-ws'), { BP_LIVE_RELOAD_ENABLED: 'true' });
    await writePlan(ws, LAUNCH_PLAN);
    await fs.writeFile(path.join(ws.app, 'Procfile'), 'web: python3 server.py\n');
    const result = await runBuild(bp, ws);
    expect(result.exitCode, result.output).toBe(0);
  });
  afterAll(async () => server?.close());

  it('writes the three formats for both layers, each valid against its official schema', async () => {
    for (const layer of ['watchexec', 'sync-helper']) {
      for (const format of FORMATS) {
        expect(validator.errors(format, await read(layer, format)), `${layer}.sbom.${format}.json`).toEqual([]);
      }
    }
  });

  it('the validator is real: it refuses a license id that is not on the SPDX list and a broken SPDX document', async () => {
    const cdx = await read('watchexec', 'cdx');
    cdx.components[0].licenses = [{ license: { id: 'Not-A-License-1.0' } }];
    expect(validator.errors('cdx', cdx).length).toBeGreaterThan(0);
    const spdx = await read('watchexec', 'spdx');
    delete spdx.packages[0].downloadLocation;
    expect(validator.errors('spdx', spdx).length).toBeGreaterThan(0);
  });

  it('watchexec: name, version, purl, CPE, license, archive sha256 and source URL in every format', async () => {
    const uri = `${server.url}/${path.basename(archive.file)}`;
    const source = 'https://example.invalid/watchexec-2.5.1.tar.gz';
    const purl = 'pkg:generic/watchexec@2.5.1?arch=amd64';
    const cpe = 'cpe:2.3:a:watchexec:watchexec:2.5.1:*:*:*:*:*:*:*';

    const [c] = (await read('watchexec', 'cdx')).components;
    expect(c).toMatchObject({ name: 'watchexec', version: '2.5.1', purl, cpe, licenses: [{ license: { id: 'Apache-2.0' } }] });
    expect(c.hashes).toEqual([{ alg: 'SHA-256', content: archive.sha256 }]);
    expect(c.externalReferences.map((r: Json) => [r.type, r.url])).toEqual([
      ['distribution', uri],
      ['source-distribution', source],
    ]);

    const [p] = (await read('watchexec', 'spdx')).packages;
    expect(p).toMatchObject({ name: 'watchexec', versionInfo: '2.5.1', downloadLocation: uri, licenseDeclared: 'Apache-2.0' });
    expect(p.checksums).toEqual([{ algorithm: 'SHA256', checksumValue: archive.sha256 }]);
    expect(p.sourceInfo).toContain(source);
    expect(p.externalRefs.map((r: Json) => r.referenceLocator)).toEqual([cpe, purl]);

    const syft = await read('watchexec', 'syft');
    expect(syft.artifacts[0]).toMatchObject({ name: 'watchexec', version: '2.5.1', type: 'binary', purl, cpes: [{ cpe }] });
    expect(syft.artifacts[0].licenses[0].value).toBe('Apache-2.0');
    expect(syft.artifacts[0].locations[0].path).toBe(path.join(ws.layers, 'watchexec', 'bin', 'watchexec'));
    expect(syft.files.map((f: Json) => [f.location.path, f.digests[0].value])).toEqual([
      [uri, archive.sha256],
      [source, '0'.repeat(64)],
    ]);
  });

  it('sync-helper: the pinned Node and exactly the npm packages in the bundle, with their versions and licenses', async () => {
    const bundled = await bundledPackages();
    expect(bundled.map((p) => p.name)).toEqual(expect.arrayContaining(['semver', 'smol-toml', 'undici']));

    const components = (await read('sync-helper', 'cdx')).components as Json[];
    expect(components.find((c) => c.name === 'node')).toMatchObject({
      type: 'application',
      version: '24.21.0',
      purl: 'pkg:generic/node@24.21.0',
      licenses: [{ license: { id: 'MIT' } }],
    });
    const npm = components.filter((c) => c.purl.startsWith('pkg:npm/'));
    expect(npm.map((c) => ({ name: c.name, version: c.version, license: c.licenses[0].license.id }))).toEqual(bundled);
    for (const c of npm) expect(c.hashes[0]).toMatchObject({ alg: 'SHA-512', content: expect.stringMatching(/^[0-9a-f]{128}$/) });

    const spdx = (await read('sync-helper', 'spdx')).packages as Json[];
    expect(spdx.map((p) => `${p.name}@${p.versionInfo} ${p.licenseDeclared}`).sort()).toEqual(
      ['node@24.21.0 MIT', ...bundled.map((p) => `${p.name}@${p.version} ${p.license}`)].sort(),
    );
    const syft = (await read('sync-helper', 'syft')).artifacts as Json[];
    expect(syft.map((a) => a.purl).sort()).toEqual(components.map((c) => c.purl).sort());
    expect(new Set(syft.map((a) => a.locations[0].path))).toEqual(new Set([path.join(ws.layers, 'sync-helper', 'bin', 'livereload')]));
  });

  it('rewrites byte-identical SBOMs when both layers are reused with no contents', async () => {
    const before = Object.fromEntries(
      await Promise.all(
        (await fs.readdir(ws.layers)).filter((f) => f.includes('.sbom.')).map(async (f) => [f, await fs.readFile(path.join(ws.layers, f), 'utf8')] as const),
      ),
    );
    expect(Object.keys(before)).toHaveLength(6);
    // As the lifecycle leaves a launch-only layer: its toml, no contents, no SBOM files.
    for (const layer of ['watchexec', 'sync-helper']) await fs.rm(path.join(ws.layers, layer), { recursive: true });
    for (const f of Object.keys(before)) await fs.rm(path.join(ws.layers, f));
    const requests = server.requests.length;
    const result = await runBuild(bp, ws);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toContain('Reusing cached layer');
    expect(server.requests.length).toBe(requests);
    for (const [f, text] of Object.entries(before)) expect(await fs.readFile(path.join(ws.layers, f), 'utf8'), f).toBe(text);
  });

  it('writes no sync-helper SBOM without the sync helper, and none at all when live reload is off', async () => {
    const noHelper = await makeWorkspace(await tempDir('sbom-nohelper'), { BP_LIVE_RELOAD_ENABLED: 'true', BP_LIVE_RELOAD_SYNC_HELPER: 'false' });
    await writePlan(noHelper, LAUNCH_PLAN);
    await fs.writeFile(path.join(noHelper.app, 'Procfile'), 'web: python3 server.py\n');
    expect((await runBuild(bp, noHelper)).exitCode).toBe(0);
    expect((await fs.readdir(noHelper.layers)).filter((f) => f.includes('.sbom.')).sort()).toEqual([
      'watchexec.sbom.cdx.json',
      'watchexec.sbom.spdx.json',
      'watchexec.sbom.syft.json',
    ]);

    const off = await makeWorkspace(await tempDir('sbom-off'));
    await writePlan(off, '');
    expect((await runBuild(bp, off)).exitCode).toBe(0);
    expect(existsSync(path.join(off.layers, 'watchexec.sbom.cdx.json'))).toBe(false);
    expect((await fs.readdir(off.layers)).filter((f) => f.includes('.sbom.'))).toEqual([]);
  });
});
