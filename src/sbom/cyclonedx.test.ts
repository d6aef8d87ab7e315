import { describe, expect, it } from 'vitest';
import { toCycloneDx } from './cyclonedx';
import { serialNumber } from './model';
import { helperDoc, WATCHEXEC, watchexecDoc } from './testdata/fixtures';

type Json = Record<string, any>;

describe('toCycloneDx', () => {
  const bom = toCycloneDx(watchexecDoc()) as Json;

  it('is a CycloneDX 1.6 BOM with a content-derived serial number and no timestamp', () => {
    expect(bom).toMatchObject({ $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json', bomFormat: 'CycloneDX', specVersion: '1.6', version: 1 });
    expect(bom.serialNumber).toBe(serialNumber(watchexecDoc()));
    expect(bom.metadata).toEqual({ tools: { components: [{ type: 'application', name: 'livereload/watchexec', version: '0.1.0' }] } });
    expect(JSON.stringify(bom)).not.toMatch(/timestamp/);
  });

  it('describes watchexec with purl, CPE, license, archive sha256 and source URL', () => {
    const sha256 = [{ alg: 'SHA-256', content: WATCHEXEC.sha256 }];
    expect(bom.components).toEqual([
      {
        type: 'application',
        'bom-ref': expect.stringMatching(/^binary:watchexec@2\.5\.1#[0-9a-f]{16}$/),
        name: 'watchexec',
        version: '2.5.1',
        hashes: sha256,
        licenses: [{ license: { id: 'Apache-2.0' } }],
        cpe: 'cpe:2.3:a:watchexec:watchexec:2.5.1:*:*:*:*:*:*:*',
        purl: 'pkg:generic/watchexec@2.5.1?arch=amd64',
        externalReferences: [
          { type: 'distribution', url: WATCHEXEC.uri, hashes: sha256 },
          { type: 'source-distribution', url: WATCHEXEC.source, hashes: [{ alg: 'SHA-256', content: WATCHEXEC.sourceSha256 }] },
        ],
      },
    ]);
  });

  it('puts further CPEs into identity evidence', () => {
    const doc = watchexecDoc();
    doc.components[0]!.cpes.push('cpe:2.3:a:watchexec:watchexec-cli:2.5.1:*:*:*:*:*:*:*');
    const [component] = (toCycloneDx(doc) as Json).components;
    expect(component.cpe).toBe('cpe:2.3:a:watchexec:watchexec:2.5.1:*:*:*:*:*:*:*');
    expect(component.evidence).toEqual({ identity: [{ field: 'cpe', concludedValue: 'cpe:2.3:a:watchexec:watchexec-cli:2.5.1:*:*:*:*:*:*:*' }] });
  });

  it('lists Node and the npm packages of the sync helper; an expression stays one expression', () => {
    const components = (toCycloneDx(helperDoc()) as Json).components as Json[];
    expect(components.map((c) => [c.type, c.name, c.version, c.purl])).toEqual([
      ['library', '@scope/dual', '1.0.0', 'pkg:npm/%40scope/dual@1.0.0'],
      ['application', 'node', '24.21.0', 'pkg:generic/node@24.21.0'],
      ['library', 'semver', '7.8.6', 'pkg:npm/semver@7.8.6'],
      ['library', 'undici', '7.30.2', 'pkg:npm/undici@7.30.2'],
    ]);
    expect(components[0]!.licenses).toEqual([{ expression: '(MIT OR Apache-2.0)' }]);
    expect(components[1]!.cpe).toBe('cpe:2.3:a:nodejs:node.js:24.21.0:*:*:*:*:*:*:*');
    expect(components[2]!.hashes).toEqual([{ alg: 'SHA-512', content: '02'.repeat(64) }]);
  });

  it('writes free-text licenses as names, ids as ids', () => {
    const doc = watchexecDoc();
    doc.components[0]!.licenses = ['MIT', 'SEE LICENSE IN LICENSE'];
    expect((toCycloneDx(doc) as Json).components[0].licenses).toEqual([{ license: { id: 'MIT' } }, { license: { name: 'SEE LICENSE IN LICENSE' } }]);
  });
});
