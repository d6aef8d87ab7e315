// Layer SBOMs as a user gets them: the Python sample app built by the real pack
// and lifecycle with live reload on, then `pack sbom download`. The files must
// be where the lifecycle puts launch-layer SBOMs, valid against the official
// schemas, and unchanged when a rebuild reuses the layers.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sbomValidator, type SbomFormat, type SbomValidator } from '../binaries/sbom-schemas';
import { copyApp, packBuild, provisioned, removeImage, REPO, tempDir, testBuildpack, type Provisioned } from './harness';

const IMAGE = 'lr-e2e/python-web-sbom';
const PROCFILE_BP = path.join(REPO, 'integration', 'buildpacks', 'procfile');
const FORMATS: SbomFormat[] = ['cdx', 'spdx', 'syft'];
const LAUNCH_SBOM_DIR = path.join('layers', 'sbom', 'launch', 'livereload_watchexec');

type Json = Record<string, any>;

async function filesUnder(dir: string): Promise<string[]> {
  return (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('pack sbom download of a live-reload image', () => {
  let p: Provisioned;
  let bp: string;
  let app: string;
  let validator: SbomValidator;
  let firstLog: string;

  const build = async () => packBuild(p, { image: IMAGE, app, buildpacks: [PROCFILE_BP, bp], env: { BP_LIVE_RELOAD_ENABLED: 'true' } });

  async function download(): Promise<string> {
    const out = await tempDir('sbom');
    const result = await execa(p.PACK, ['sbom', 'download', IMAGE, '--output-dir', out], { env: { PACK_HOME: p.PACK_HOME }, reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
    return out;
  }

  const read = async (dir: string, layer: string, format: SbomFormat): Promise<Json> =>
    JSON.parse(await fs.readFile(path.join(dir, LAUNCH_SBOM_DIR, layer, `sbom.${format}.json`), 'utf8'));

  beforeAll(async () => {
    p = provisioned();
    validator = sbomValidator();
    bp = await testBuildpack(p);
    app = await copyApp('python-web');
    await removeImage(IMAGE); // a leftover image would make the first build a reuse
    const result = await build();
    firstLog = result.log;
    expect(result.exitCode, result.log).toBe(0);
  });

  afterAll(async () => {
    await removeImage(IMAGE);
  });

  it('finds the three formats of both layers under the launch SBOM dir, each schema-valid', async () => {
    const dir = await download();
    const ours = (await filesUnder(dir)).filter((f) => f.startsWith(LAUNCH_SBOM_DIR));
    expect(ours).toEqual(
      ['sync-helper', 'watchexec'].flatMap((layer) => FORMATS.map((format) => path.join(LAUNCH_SBOM_DIR, layer, `sbom.${format}.json`))),
    );
    for (const layer of ['watchexec', 'sync-helper']) {
      for (const format of FORMATS) expect(validator.errors(format, await read(dir, layer, format)), `${layer} ${format}`).toEqual([]);
    }
  });

  it('describes the watchexec that was installed and the Node and npm packages of the helper', async () => {
    const dir = await download();
    const [watchexec] = (await read(dir, 'watchexec', 'cdx')).components;
    expect(watchexec).toMatchObject({
      name: 'watchexec',
      version: p.WATCHEXEC_VERSION,
      purl: `pkg:generic/watchexec@${p.WATCHEXEC_VERSION}?arch=amd64`,
      hashes: [{ alg: 'SHA-256', content: p.WATCHEXEC_SHA256 }],
      licenses: [{ license: { id: 'Apache-2.0' } }],
    });
    const manifest = JSON.parse(await fs.readFile(path.join(REPO, 'build', 'dist', 'bundle-manifest.json'), 'utf8')) as { packages: { name: string; version: string }[] };
    const helper = (await read(dir, 'sync-helper', 'spdx')).packages as Json[];
    expect(helper.map((pkg) => `${pkg.name}@${pkg.versionInfo}`).sort()).toEqual(
      ['node@24.21.0', ...manifest.packages.map((pkg) => `${pkg.name}@${pkg.version}`)].sort(),
    );
  });

  it('a rebuild reuses both layers and the image carries byte-identical SBOMs', async () => {
    const before = await download();
    const result = await build();
    expect(result.exitCode, result.log).toBe(0);
    expect(firstLog).toContain('Installing watchexec');
    expect(result.log).toContain('Reusing cached layer /layers/livereload_watchexec/watchexec');
    expect(result.log).toContain('Reusing cached layer /layers/livereload_watchexec/sync-helper');
    const after = await download();
    for (const layer of ['watchexec', 'sync-helper']) {
      for (const format of FORMATS) {
        const file = path.join(LAUNCH_SBOM_DIR, layer, `sbom.${format}.json`);
        expect(await fs.readFile(path.join(after, file), 'utf8'), file).toBe(await fs.readFile(path.join(before, file), 'utf8'));
      }
    }
  });
});
