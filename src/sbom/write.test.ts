import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseToml } from '../cnb/toml-file';
import { helperDoc, watchexecDoc } from './testdata/fixtures';
import { renderSboms, SBOM_FORMATS, writeLayerSboms } from './write';

describe('writeLayerSboms', () => {
  it('writes <layer>.sbom.{cdx,spdx,syft}.json next to the layer, nothing else', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lr-sbom-'));
    const written = await writeLayerSboms(dir, 'watchexec', watchexecDoc());
    expect(written).toEqual(['watchexec.sbom.cdx.json', 'watchexec.sbom.spdx.json', 'watchexec.sbom.syft.json']);
    expect(readdirSync(dir).sort()).toEqual(written);
    for (const name of written) expect(() => JSON.parse(readFileSync(path.join(dir, name), 'utf8'))).not.toThrow();
  });

  it('writes byte-identical files on the next build (a reused layer)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lr-sbom-'));
    await writeLayerSboms(dir, 'sync-helper', helperDoc());
    const first = readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8'), statSync(path.join(dir, f)).size]);
    await writeLayerSboms(dir, 'sync-helper', helperDoc());
    expect(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8'), statSync(path.join(dir, f)).size])).toEqual(first);
  });

  it('renders the same text for the same document, whatever the component order', () => {
    const doc = helperDoc();
    expect(renderSboms('x', { ...doc, components: [...doc.components].reverse() })).toEqual(renderSboms('x', doc));
  });

  it("writes only formats that buildpack.toml's sbom-formats lists (the lifecycle fails the build otherwise)", () => {
    const file = fileURLToPath(new URL('../../buildpack.toml', import.meta.url));
    const toml = parseToml(readFileSync(file, 'utf8'), file, 'buildpack-toml') as { buildpack: { 'sbom-formats': string[] } };
    expect(SBOM_FORMATS.map((f) => f.mediaType).sort()).toEqual([...toml.buildpack['sbom-formats']].sort());
  });
});
