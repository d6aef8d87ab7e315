// examples/builder/builder.toml, created with the real `pack builder create`:
// this buildpack as an optional member of an order group next to a Procfile
// buildpack. The example points at the .cnb `npm run package` writes, whose
// buildpack.toml names the upstream watchexec archives; those cannot be fetched
// here, so the test builds the builder from the example with that one .cnb
// swapped for an offline package of the same build listing the locally built
// watchexec. Everything else (order, images, lifecycle link) is the example's.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { parse, stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack, runPackager, stageBuildpack } from './delivery';
import { buildMetadata, copyApp, imageEntrypoint, lifecycleMetadata, provisioned, removeImage, REPO, tempDir, type Provisioned } from './harness';

const EXAMPLE = path.join(REPO, 'examples', 'builder', 'builder.toml');
const BUILDER = 'lr-e2e/example-builder';
const ON = 'lr-e2e/builder-reload-on';
const OFF = 'lr-e2e/builder-reload-off';

interface BuilderToml {
  buildpacks: { uri: string }[];
  order: { group: { id: string; version: string; optional?: boolean }[] }[];
  lifecycle: { uri: string };
  build: { image: string };
  run: { images: { image: string }[] };
}

describe('the example builder (examples/builder/builder.toml)', () => {
  let p: Provisioned;
  let example: BuilderToml;
  let app: string;
  let onLog: string;

  beforeAll(async () => {
    p = provisioned();
    example = parse(await fs.readFile(EXAMPLE, 'utf8')) as unknown as BuilderToml;
    const dir = await tempDir('builder');
    const bp = await stageBuildpack([{ version: p.WATCHEXEC_VERSION, arch: 'amd64', uri: pathToFileURL(p.WATCHEXEC_ARCHIVE).href, sha256: p.WATCHEXEC_SHA256 }], p.WATCHEXEC_VERSION);
    const packaged = await runPackager(['--offline', '--target', 'linux/amd64', '--buildpack', bp, '--output', path.join(dir, 'packages'), '--cache', path.join(dir, 'cache')]);
    expect(packaged.exitCode, packaged.log).toBe(0);
    const cnb = path.join(dir, 'packages', 'livereload-watchexec-0.1.0-offline-linux-amd64.cnb');
    const config = {
      ...example,
      buildpacks: example.buildpacks.map((b) => ({ uri: b.uri.endsWith('-linux-amd64.cnb') ? cnb : path.resolve(path.dirname(EXAMPLE), b.uri) })),
      lifecycle: { uri: path.resolve(path.dirname(EXAMPLE), example.lifecycle.uri) },
    };
    await fs.writeFile(path.join(dir, 'builder.toml'), stringify(config));
    const created = await pack(p, ['builder', 'create', BUILDER, '--config', path.join(dir, 'builder.toml')]);
    expect(created.exitCode, created.log).toBe(0);
    app = await copyApp('python-web');
    const on = await pack(p, ['build', ON, '--path', app, '--builder', BUILDER, '--trust-builder', '--env', 'BP_LIVE_RELOAD_ENABLED=true'], { network: 'none' });
    onLog = on.log;
    expect(on.exitCode, on.log).toBe(0);
  });

  afterAll(async () => {
    for (const image of [ON, OFF, BUILDER]) await removeImage(image);
  });

  it('puts this buildpack, from the packaged .cnb, optional after the Procfile buildpack, on the provisioned images and lifecycle', async () => {
    expect(example.buildpacks.map((b) => b.uri)).toEqual(['../../build/packages/livereload-watchexec-0.1.0-linux-amd64.cnb', '../../integration/buildpacks/procfile']);
    expect(example.order).toEqual([
      {
        group: [
          { id: 'test/procfile', version: '0.0.1' },
          { id: 'livereload/watchexec', version: '0.1.0', optional: true },
        ],
      },
    ]);
    expect([example.build.image, example.run.images[0]!.image]).toEqual(['livereload/build:bookworm', p.RUN_BASE]);
    expect(await fs.realpath(path.resolve(path.dirname(EXAMPLE), example.lifecycle.uri))).toBe(await fs.realpath(p.LIFECYCLE_TGZ));
    const order = (await execa('docker', ['image', 'inspect', BUILDER, '--format', '{{ index .Config.Labels "io.buildpacks.buildpack.order" }}'])).stdout;
    expect(JSON.parse(order)).toEqual([{ group: [{ id: 'test/procfile', version: '0.0.1' }, { id: 'livereload/watchexec', version: '0.1.0', optional: true }] }]);
  });

  it('with BP_LIVE_RELOAD_ENABLED=true: reload-web is the default process, and the watchexec layer is there', () => {
    expect(onLog).toContain('Using the copy inside the buildpack (offline package); nothing is downloaded');
    const types = buildMetadata(ON).processes.map((proc) => proc.type).sort();
    expect(types).toEqual(['reload-web', 'rm', 'tar', 'web']);
    expect(imageEntrypoint(ON)).toEqual(['/cnb/process/reload-web']);
    const ours = lifecycleMetadata(ON).buildpacks.find((b) => b.key === 'livereload/watchexec');
    expect(Object.keys(ours?.layers ?? {}).sort()).toEqual(['sync-helper', 'watchexec']);
    expect(ours?.layers?.watchexec?.data).toMatchObject({ checksum: `sha256:${p.WATCHEXEC_SHA256}` });
  });

  it('without it: only the app\'s own process, and no watchexec layer', async () => {
    const off = await pack(p, ['build', OFF, '--path', app, '--builder', BUILDER, '--trust-builder'], { network: 'none' });
    expect(off.exitCode, off.log).toBe(0);
    expect(off.log).toContain('Live reload is off');
    expect(buildMetadata(OFF).processes.map((proc) => proc.type)).toEqual(['web']);
    expect(imageEntrypoint(OFF)).toEqual(['/cnb/process/web']);
    const ours = lifecycleMetadata(OFF).buildpacks.find((b) => b.key === 'livereload/watchexec');
    expect(Object.keys(ours?.layers ?? {})).toEqual([]);
  });
});
