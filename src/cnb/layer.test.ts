import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { layerMetadata, renderLayerToml } from './layer';

describe('renderLayerToml', () => {
  it('renders [types] with all three flags and [metadata]', () => {
    const text = renderLayerToml({
      types: { launch: true, build: false, cache: false },
      metadata: { version: '2.5.1', checksum: 'sha256:abc' },
    });
    expect(text).toBe('[types]\nlaunch = true\nbuild = false\ncache = false\n\n[metadata]\nversion = "2.5.1"\nchecksum = "sha256:abc"\n\n');
  });

  it('round-trips through layerMetadata', () => {
    const metadata = { version: '2.4.1', checksum: 'sha256:def', uri: 'https://x/y.tar.xz', arch: 'arm64' };
    const table = parse(renderLayerToml({ types: { launch: true, build: true, cache: true }, metadata }));
    expect(table).toEqual({ types: { launch: true, build: true, cache: true }, metadata });
    expect(layerMetadata(table)).toEqual(metadata);
  });
});

describe('layerMetadata', () => {
  it.each([
    ['no file', undefined],
    ['no [metadata]', { types: { launch: true } }],
    ['metadata that is not a table', { metadata: 'x' }],
    ['metadata that is an array', { metadata: [] }],
  ])('%s -> undefined', (_, table) => {
    expect(layerMetadata(table)).toBeUndefined();
  });
});
