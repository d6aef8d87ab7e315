// bin/build: read the plan, resolve a watchexec version, provide the layers
// (watchexec, the sync helper) with their SBOMs, and write reloadable process
// types into launch.toml (launch-processes.ts).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseBuildpackPlan } from '../cnb/buildpack-plan';
import { parseBuildpackToml, type BuildpackDescriptor } from '../cnb/buildpack-toml';
import type { BuildContext } from '../cnb/context';
import { readToml } from '../cnb/toml-file';
import { DEFAULT_DOWNLOAD_OPTIONS, type DownloadOptions } from '../dependency/download';
import { dependencyLocator } from '../dependency/locate';
import { resolveDependency } from '../dependency/resolve';
import { BuildpackError, describe } from '../errors';
import { formatElapsed, type Logger } from '../log/logger';
import { parseProcfile, type ProcfileProcess } from '../processes/procfile';
import { checkReloadableTypes } from '../processes/reloadable';
import { chooseProcesses } from '../processes/sources';
import { readSettings, type Settings } from '../settings/settings';
import { embeddedManifest } from '../sbom/components';
import { syncHelperLayerSbom, watchexecLayerSbom } from '../sbom/layers';
import { writeLayerSboms } from '../sbom/write';
import { writeLaunchProcesses } from './launch-processes';
import { DEPENDENCY_NAME, mergeWatchexecEntries } from './plan-request';
import { HELPER_LAYER, provideSyncHelperLayer } from './sync-helper-layer';
import { LAYER_NAME, provideWatchexecLayer } from './watchexec-layer';

export interface BuildOptions {
  download?: DownloadOptions;
  now?: () => number;
  /** The executable copied into the sync-helper layer: this process's own binary. */
  executable?: string;
}

export async function build(ctx: BuildContext, log: Logger, options: BuildOptions = {}): Promise<void> {
  const now = options.now ?? Date.now;
  const started = now();
  const settings = readSettings(ctx.env, ctx.appDir);
  const descriptor = await readDescriptor(ctx.buildpackDir);
  log.title(`${descriptor.name} ${descriptor.version}`);

  const request = mergeWatchexecEntries(parseBuildpackPlan(await readText(ctx.planPath), ctx.planPath));
  if (!request) {
    log.process('Live reload is off: nothing in the build requires watchexec (set BP_LIVE_RELOAD_ENABLED=true to turn it on)');
    return;
  }

  // The processes are checked before anything is downloaded or written: a bad Procfile leaves no layer.
  const chosen = chooseProcesses({
    fromPlan: request.processes,
    enabled: settings.enabled,
    command: settings.command,
    procfile: await readProcfile(ctx.appDir),
  });
  checkReloadableTypes(chosen.processes);

  const locator = dependencyLocator({ env: ctx.env, platformDir: ctx.platformDir, buildpackDir: ctx.buildpackDir });
  log.process('Resolving watchexec version');
  const { dependency, reason } = resolveDependency({
    id: DEPENDENCY_NAME,
    dependencies: descriptor.dependencies,
    os: ctx.target.os,
    arch: ctx.target.arch,
    override: settings.watchexecVersion ? { range: settings.watchexecVersion, source: 'BP_WATCHEXEC_VERSION' } : undefined,
    requested: request.versions,
    defaultVersion: descriptor.defaultVersions[DEPENDENCY_NAME],
  });
  log.subprocess(`Selected watchexec ${dependency.version} for ${ctx.target.os}/${ctx.target.arch} (${reason})`);
  for (const problem of locator.problems) log.subprocess(`Warning: ${problem}`);
  log.break();

  const types = { launch: request.launch, build: request.build, cache: request.build };
  const layer = await provideWatchexecLayer({
    layersDir: ctx.layersDir,
    dependency,
    types,
    log,
    locate: locator.locate,
    download: options.download ?? downloadOptions(settings),
  });
  // SBOMs on every build, reused layers included: the lifecycle reads them each time.
  const watchexecSbom = watchexecLayerSbom(descriptor, path.join(ctx.layersDir, LAYER_NAME), dependency);
  log.debug(`Wrote the layer SBOM: ${(await writeLayerSboms(ctx.layersDir, LAYER_NAME, watchexecSbom)).join(', ')}`);
  log.break();

  if (chosen.processes.length === 0) {
    log.process(
      settings.enabled
        ? 'No process to make reloadable (no plan request, BP_LIVE_RELOAD_COMMAND or Procfile): watchexec is installed on the PATH only'
        : 'watchexec is installed on the PATH for the buildpack that requires it',
    );
  } else {
    const helper = settings.syncHelper
      ? await provideSyncHelperLayer({ layersDir: ctx.layersDir, executable: options.executable ?? process.execPath, log })
      : undefined;
    if (helper) {
      const sbom = syncHelperLayerSbom(descriptor, path.join(ctx.layersDir, HELPER_LAYER), helper, embeddedManifest());
      log.debug(`Wrote the layer SBOM: ${(await writeLayerSboms(ctx.layersDir, HELPER_LAYER, sbom)).join(', ')}`);
    }
    await writeLaunchProcesses({
      layersDir: ctx.layersDir,
      appDir: ctx.appDir,
      chosen,
      settings,
      watchexec: { binary: layer.binary, version: dependency.version },
      helper,
      log,
    });
  }
  log.break();
  log.process(`Completed in ${formatElapsed(now() - started)}`);
}

/** BP_DEPENDENCY_TIMEOUT bounds every wait on the server; BP_DEPENDENCY_RETRIES adds attempts. */
function downloadOptions(settings: Settings): DownloadOptions {
  const timeout = settings.downloadTimeoutMs;
  return {
    ...DEFAULT_DOWNLOAD_OPTIONS,
    attempts: settings.downloadRetries + 1,
    connectTimeoutMs: timeout,
    headersTimeoutMs: timeout,
    bodyTimeoutMs: timeout,
    timeoutSetting: 'BP_DEPENDENCY_TIMEOUT',
  };
}

async function readDescriptor(buildpackDir: string): Promise<BuildpackDescriptor> {
  const file = path.join(buildpackDir, 'buildpack.toml');
  return parseBuildpackToml(await readToml(file, 'buildpack-toml'), file);
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new BuildpackError('io', `cannot read ${file}: ${describe(error)}`, { cause: error });
  }
}

async function readProcfile(appDir: string): Promise<ProcfileProcess[] | undefined> {
  const file = path.join(appDir, 'Procfile');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BuildpackError('procfile', `cannot read ${file}: ${describe(error)}`, { cause: error });
  }
  return parseProcfile(text, 'Procfile');
}
