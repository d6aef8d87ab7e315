// The `watchexec` layer: reused when the restored metadata names the same
// archive checksum, otherwise downloaded, verified and extracted into a staging
// directory that replaces the layer only once everything succeeded.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Dependency } from '../cnb/buildpack-toml';
import { layerMetadata, renderLayerToml, type LayerTypes } from '../cnb/layer';
import { readTomlIfExists, writeFileAtomic, type TomlTable } from '../cnb/toml-file';
import { extractDependencyArchive } from '../archive/extract-dependency';
import { DEFAULT_DOWNLOAD_OPTIONS, downloadVerified, type DownloadOptions } from '../dependency/download';
import { redactCredentials, redactedError, type Source } from '../dependency/redirect';
import { BuildpackError, describe } from '../errors';
import { formatElapsed, type Logger } from '../log/logger';

export const LAYER_NAME = 'watchexec';

export function layerMetadataFor(dependency: Dependency): TomlTable {
  return {
    version: dependency.version,
    checksum: `sha256:${dependency.sha256}`,
    uri: dependency.uri,
    arch: dependency.arch,
  };
}

/**
 * Reuse needs the same archive checksum. A launch-only layer needs no contents:
 * the exporter keeps the previous image's layer. A build layer does, since the
 * next buildpacks run the binary.
 */
export function canReuse(restored: TomlTable | undefined, dependency: Dependency, types: LayerTypes, binaryPresent: boolean): boolean {
  if (restored?.checksum !== `sha256:${dependency.sha256}`) return false;
  return types.build ? binaryPresent : true;
}

export interface LayerResult {
  binary: string;
  reused: boolean;
}

export async function provideWatchexecLayer(input: {
  layersDir: string;
  dependency: Dependency;
  types: LayerTypes;
  log: Logger;
  download?: DownloadOptions;
  /** Where to fetch the archive from (offline copy, mapping, mirror); default: its buildpack.toml URI. */
  locate?: (dependency: Dependency) => Promise<Source>;
}): Promise<LayerResult> {
  const { layersDir, dependency, types, log } = input;
  const layerDir = path.join(layersDir, LAYER_NAME);
  const tomlPath = `${layerDir}.toml`;
  const binary = path.join(layerDir, 'bin', 'watchexec');
  const metadata = layerMetadataFor(dependency);
  const restored = layerMetadata(await readTomlIfExists(tomlPath, 'io'));
  const binaryPresent = await isExecutableFile(binary);

  if (canReuse(restored, dependency, types, binaryPresent)) {
    log.process(`Reusing cached layer ${layerDir}`);
    await writeFileAtomic(tomlPath, renderLayerToml({ types, metadata }));
    return { binary, reused: true };
  }

  log.process(`Installing watchexec ${dependency.version}`);
  const started = Date.now();
  const staging = await fs.mkdtemp(path.join(layersDir, `.${LAYER_NAME}-staging-`));
  try {
    const archive = path.join(staging, 'archive');
    const content = path.join(staging, 'layer');
    const source = input.locate ? await input.locate(dependency) : undefined;
    if (source?.reason) log.subprocess(source.reason);
    const uri = source?.uri ?? dependency.uri;
    log.subprocess(`Downloading ${redactCredentials(uri)}`);
    const { bytes } = await downloadVerified(uri, archive, dependency.sha256, {
      ...(input.download ?? DEFAULT_DOWNLOAD_OPTIONS),
      onRetry: (attempt, reason, waitMs) => log.subprocess(`Attempt ${attempt} failed (${reason}); retrying in ${formatElapsed(waitMs)}`),
    }).catch((error: unknown) => {
      throw redactedError(error, uri);
    });
    log.subprocess(`Verifying checksum: sha256:${dependency.sha256} matches (${bytes} bytes)`);
    await fs.mkdir(content);
    log.subprocess(`Extracting to ${layerDir}`);
    await extractDependencyArchive(archive, content, dependency.stripComponents, `archive ${dependency.uri}`);
    await placeBinary(content, dependency.uri);
    await swapInto(content, layerDir);
    await writeFileAtomic(tomlPath, renderLayerToml({ types, metadata }));
    log.subprocess(`Completed in ${formatElapsed(Date.now() - started)}`);
    return { binary, reused: false };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/** Moves the extracted `watchexec` to bin/watchexec, checking it is a usable binary. */
async function placeBinary(content: string, uri: string): Promise<void> {
  const extracted = path.join(content, 'watchexec');
  let stat;
  try {
    stat = await fs.lstat(extracted);
  } catch {
    throw new BuildpackError('archive', `archive ${uri} has no "watchexec" binary at its top level (after strip-components); nothing was installed`);
  }
  if (!stat.isFile()) throw new BuildpackError('archive', `archive ${uri}: "watchexec" is not a regular file; nothing was installed`);
  if ((stat.mode & 0o111) === 0) {
    throw new BuildpackError('archive', `archive ${uri}: "watchexec" is not executable (mode ${(stat.mode & 0o777).toString(8)}); nothing was installed`);
  }
  try {
    await fs.mkdir(path.join(content, 'bin'), { recursive: true });
    await fs.rename(extracted, path.join(content, 'bin', 'watchexec'));
  } catch (error) {
    throw new BuildpackError('archive', `archive ${uri}: cannot place "watchexec" in bin/ (${describe(error)}); nothing was installed`, { cause: error });
  }
}

/** Replaces `layerDir` by `content`; the old layer is only removed once the new one is in place. */
async function swapInto(content: string, layerDir: string): Promise<void> {
  const old = `${content}.old`;
  try {
    await fs.rename(layerDir, old).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await fs.rename(content, layerDir);
  } catch (error) {
    throw new BuildpackError('io', `cannot move the new layer into ${layerDir}: ${describe(error)}`, { cause: error });
  }
  await fs.rm(old, { recursive: true, force: true });
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
