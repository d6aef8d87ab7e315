// A layer's <name>.toml: what the lifecycle does with the layer, and our own
// metadata that decides reuse on the next build.
import { isTable, renderToml, type TomlTable } from './toml-file';

export interface LayerTypes {
  launch: boolean;
  build: boolean;
  cache: boolean;
}

export interface LayerToml {
  types: LayerTypes;
  metadata: TomlTable;
}

export function renderLayerToml(layer: LayerToml): string {
  return renderToml({ types: { ...layer.types }, metadata: layer.metadata });
}

/** The [metadata] table of a restored layer toml, or undefined when it has none. */
export function layerMetadata(table: TomlTable | undefined): TomlTable | undefined {
  return table !== undefined && isTable(table.metadata) ? table.metadata : undefined;
}
