// The SBOM document of each of this buildpack's layers.
import path from 'node:path';
import type { BuildpackDescriptor, Dependency } from '../cnb/buildpack-toml';
import { bundleComponents, dependencyComponent, type BundleManifest } from './components';
import type { SbomDocument } from './model';

type Buildpack = Pick<BuildpackDescriptor, 'id' | 'version' | 'homepage'>;

function document(buildpack: Buildpack, layerDir: string, components: SbomDocument['components']): SbomDocument {
  const layer = path.basename(layerDir);
  const base = buildpack.homepage?.startsWith('https://') || buildpack.homepage?.startsWith('http://') ? buildpack.homepage : `https://buildpacks.invalid/${buildpack.id}`;
  return {
    name: `${buildpack.id} layer ${layer}`,
    root: layerDir,
    namespaceBase: `${base.replace(/\/+$/, '')}/sbom/${layer}`,
    tool: { name: buildpack.id, version: buildpack.version },
    components,
  };
}

/** The watchexec layer: the one dependency, installed as <layer>/bin/watchexec. */
export function watchexecLayerSbom(buildpack: Buildpack, layerDir: string, dependency: Dependency): SbomDocument {
  return document(buildpack, layerDir, [dependencyComponent(dependency, [path.join(layerDir, 'bin', 'watchexec')])]);
}

/** The sync-helper layer: one executable made of Node and the bundled npm packages. */
export function syncHelperLayerSbom(buildpack: Buildpack, layerDir: string, executable: string, manifest: BundleManifest): SbomDocument {
  return document(buildpack, layerDir, bundleComponents(manifest, [executable]));
}
