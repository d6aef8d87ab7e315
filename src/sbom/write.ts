// Writes a layer's SBOM in every format the lifecycle takes, next to the
// layer's toml: <layers>/<layer>.sbom.{cdx,spdx,syft}.json. buildpack.toml's
// sbom-formats lists all three media types (the build fails for a written
// format that is not listed). Written on every build, also when the layer is
// reused, since the lifecycle reads them each time.
import path from 'node:path';
import { writeFileAtomic } from '../cnb/toml-file';
import { toCycloneDx } from './cyclonedx';
import type { SbomDocument } from './model';
import { toSpdx } from './spdx';
import { toSyft } from './syft';

export const SBOM_FORMATS = [
  { extension: 'cdx', mediaType: 'application/vnd.cyclonedx+json', render: toCycloneDx },
  { extension: 'spdx', mediaType: 'application/spdx+json', render: toSpdx },
  { extension: 'syft', mediaType: 'application/vnd.syft+json', render: toSyft },
] as const;

/** File name -> content, for each format. */
export function renderSboms(layer: string, doc: SbomDocument): Record<string, string> {
  return Object.fromEntries(SBOM_FORMATS.map((f) => [`${layer}.sbom.${f.extension}.json`, `${JSON.stringify(f.render(doc), null, 2)}\n`]));
}

export async function writeLayerSboms(layersDir: string, layer: string, doc: SbomDocument): Promise<string[]> {
  const files = renderSboms(layer, doc);
  for (const [name, content] of Object.entries(files)) await writeFileAtomic(path.join(layersDir, name), content);
  return Object.keys(files);
}
