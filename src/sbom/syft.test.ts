import { describe, expect, it } from 'vitest';
import { contentDigest } from './model';
import { toSyft } from './syft';
import { helperDoc, LAYERS, WATCHEXEC, watchexecDoc } from './testdata/fixtures';

type Json = Record<string, any>;

describe('toSyft', () => {
  const doc = watchexecDoc();
  const syft = toSyft(doc) as Json;

  it('has the schema version, the tool as descriptor, the layer as source', () => {
    expect(syft.schema).toEqual({ version: '16.1.13', url: 'https://raw.githubusercontent.com/anchore/syft/main/schema/json/schema-16.1.13.json' });
    expect(syft.descriptor).toEqual({ name: 'livereload/watchexec', version: '0.1.0' });
    expect(syft.source).toEqual({
      id: contentDigest(doc),
      name: 'livereload/watchexec layer watchexec',
      version: '',
      type: 'directory',
      metadata: { path: `${LAYERS}/watchexec` },
    });
    expect(syft.distro).toEqual({});
  });

  it('describes watchexec with purl, CPE, license and its installed path', () => {
    expect(syft.artifacts).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{16}$/),
        name: 'watchexec',
        version: '2.5.1',
        type: 'binary',
        foundBy: 'livereload/watchexec',
        locations: [{ path: `${LAYERS}/watchexec/bin/watchexec`, accessPath: `${LAYERS}/watchexec/bin/watchexec` }],
        licenses: [{ value: 'Apache-2.0', spdxExpression: 'Apache-2.0', type: 'declared', urls: [], locations: [] }],
        language: '',
        cpes: [{ cpe: 'cpe:2.3:a:watchexec:watchexec:2.5.1:*:*:*:*:*:*:*', source: 'declared' }],
        purl: 'pkg:generic/watchexec@2.5.1?arch=amd64',
      },
    ]);
  });

  it('carries the archive sha256 and the source URL as files tied to the package', () => {
    const pkg = syft.artifacts[0].id;
    const byId = Object.fromEntries((syft.files as Json[]).map((f) => [f.id, f]));
    expect(syft.artifactRelationships).toHaveLength(2);
    const [distribution, source] = syft.artifactRelationships as Json[];
    expect(distribution).toMatchObject({ parent: pkg, type: 'evident-by', metadata: { role: 'distribution' } });
    expect(byId[distribution!.child]).toEqual({ id: distribution!.child, location: { path: WATCHEXEC.uri }, digests: [{ algorithm: 'sha256', value: WATCHEXEC.sha256 }] });
    expect(source).toMatchObject({ parent: pkg, type: 'evident-by', metadata: { role: 'source' } });
    expect(byId[source!.child]).toEqual({ id: source!.child, location: { path: WATCHEXEC.source }, digests: [{ algorithm: 'sha256', value: WATCHEXEC.sourceSha256 }] });
  });

  it('gives npm packages their lock-file entry (resolved, integrity) as metadata', () => {
    const artifacts = (toSyft(helperDoc()) as Json).artifacts as Json[];
    const semver = artifacts.find((a) => a.name === 'semver')!;
    expect(semver).toMatchObject({
      type: 'npm',
      language: 'javascript',
      purl: 'pkg:npm/semver@7.8.6',
      cpes: [],
      licenses: [{ value: 'ISC', spdxExpression: 'ISC', type: 'declared', urls: [], locations: [] }],
      metadataType: 'javascript-npm-package-lock-entry',
      metadata: {
        resolved: 'https://registry.example.test/semver/-/semver-7.8.6.tgz',
        integrity: `sha512-${Buffer.alloc(64, 2).toString('base64')}`,
        dependencies: {},
      },
    });
    expect(artifacts.find((a) => a.name === 'node')).toMatchObject({ type: 'binary', purl: 'pkg:generic/node@24.21.0', cpes: [{ cpe: 'cpe:2.3:a:nodejs:node.js:24.21.0:*:*:*:*:*:*:*', source: 'declared' }] });
    expect(artifacts.every((a) => a.locations[0].path === `${LAYERS}/sync-helper/bin/livereload`)).toBe(true);
  });
});
