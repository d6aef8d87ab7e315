// The `sync-helper` layer: this very executable, copied into the image so
// that `tar` and `rm` process types (and the restart gate) exist even on run
// images without a shell, tar or rm. Reused while the build ID is unchanged.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { layerMetadata, renderLayerToml } from '../cnb/layer';
import { readTomlIfExists, writeFileAtomic } from '../cnb/toml-file';
import { BuildpackError, describe } from '../errors';
import type { Logger } from '../log/logger';

export const HELPER_LAYER = 'sync-helper';
export const HELPER_NAME = 'livereload';

/** Identifies the executable's contents: set by scripts/build.mjs, "dev" when running unbundled. */
export const BUILD_ID: string = typeof __LIVERELOAD_BUILD_ID__ === 'string' ? __LIVERELOAD_BUILD_ID__ : 'dev';
declare const __LIVERELOAD_BUILD_ID__: string | undefined;

export async function provideSyncHelperLayer(input: { layersDir: string; executable: string; log: Logger }): Promise<string> {
  const layerDir = path.join(input.layersDir, HELPER_LAYER);
  const tomlPath = `${layerDir}.toml`;
  const target = path.join(layerDir, 'bin', HELPER_NAME);
  const metadata = { 'build-id': BUILD_ID, node: process.version };
  const restored = layerMetadata(await readTomlIfExists(tomlPath, 'io'));
  const toml = renderLayerToml({ types: { launch: true, build: false, cache: false }, metadata });

  if (BUILD_ID !== 'dev' && restored?.['build-id'] === BUILD_ID && restored.node === process.version) {
    input.log.process(`Reusing cached layer ${layerDir}`);
    await writeFileAtomic(tomlPath, toml);
    return target;
  }
  input.log.process(`Installing the sync helper (tar, rm and the restart gate) into ${layerDir}`);
  const staging = await fs.mkdtemp(path.join(input.layersDir, `.${HELPER_LAYER}-staging-`));
  try {
    await fs.mkdir(path.join(staging, 'bin'));
    await fs.copyFile(input.executable, path.join(staging, 'bin', HELPER_NAME));
    await fs.chmod(path.join(staging, 'bin', HELPER_NAME), 0o755);
    await fs.rm(layerDir, { recursive: true, force: true });
    await fs.rename(staging, layerDir);
  } catch (error) {
    throw new BuildpackError('io', `cannot install the sync helper into ${layerDir}: ${describe(error)}`, { cause: error });
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  await writeFileAtomic(tomlPath, toml);
  return target;
}
