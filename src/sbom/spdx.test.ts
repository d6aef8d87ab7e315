import { describe, expect, it } from 'vitest';
import { documentNamespace, FIXED_CREATED } from './model';
import { spdxId, toSpdx } from './spdx';
import { helperDoc, WATCHEXEC, watchexecDoc } from './testdata/fixtures';

type Json = Record<string, any>;

describe('toSpdx', () => {
  const doc = watchexecDoc();
  const spdx = toSpdx(doc) as Json;
  const id = spdxId(doc.components[0]!);

  it('is an SPDX 2.3 document with a fixed creation time and a content-derived namespace', () => {
    expect(spdx).toMatchObject({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'livereload/watchexec layer watchexec',
      documentNamespace: documentNamespace(doc),
      creationInfo: { created: FIXED_CREATED, creators: ['Tool: livereload/watchexec-0.1.0'] },
      documentDescribes: [id],
      relationships: [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: id }],
    });
    expect(id).toMatch(/^SPDXRef-Package-binary-watchexec-[0-9a-f]{16}$/);
  });

  it('describes watchexec with purl, CPE, license, archive sha256 and source URL', () => {
    expect(spdx.packages).toEqual([
      {
        SPDXID: id,
        name: 'watchexec',
        versionInfo: '2.5.1',
        packageFileName: 'watchexec-2.5.1-x86_64-unknown-linux-musl.tar.xz',
        downloadLocation: WATCHEXEC.uri,
        filesAnalyzed: false,
        checksums: [{ algorithm: 'SHA256', checksumValue: WATCHEXEC.sha256 }],
        sourceInfo: `built from ${WATCHEXEC.source} (sha256:${WATCHEXEC.sourceSha256})`,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'Apache-2.0',
        copyrightText: 'NOASSERTION',
        externalRefs: [
          { referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a:watchexec:watchexec:2.5.1:*:*:*:*:*:*:*' },
          { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:generic/watchexec@2.5.1?arch=amd64' },
        ],
        primaryPackagePurpose: 'APPLICATION',
      },
    ]);
  });

  it('gives the sync helper Node (no download location) and libraries with their sha512', () => {
    const packages = (toSpdx(helperDoc()) as Json).packages as Json[];
    const node = packages.find((p) => p.name === 'node')!;
    expect(node).toMatchObject({ versionInfo: '24.21.0', downloadLocation: 'NOASSERTION', licenseDeclared: 'MIT', homepage: 'https://nodejs.org', primaryPackagePurpose: 'APPLICATION' });
    expect(node.checksums).toBeUndefined();
    const semver = packages.find((p) => p.name === 'semver')!;
    expect(semver).toMatchObject({
      SPDXID: expect.stringMatching(/^SPDXRef-Package-npm-semver-[0-9a-f]{16}$/),
      downloadLocation: 'https://registry.example.test/semver/-/semver-7.8.6.tgz',
      checksums: [{ algorithm: 'SHA512', checksumValue: '02'.repeat(64) }],
      licenseDeclared: 'ISC',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/semver@7.8.6' }],
      primaryPackagePurpose: 'LIBRARY',
    });
    expect(packages.find((p) => p.name === '@scope/dual')!.SPDXID).toMatch(/^SPDXRef-Package-npm--scope-dual-[0-9a-f]{16}$/);
  });

  it('declares NOASSERTION for a license that is not an SPDX expression', () => {
    const other = watchexecDoc();
    other.components[0]!.licenses = ['SEE LICENSE IN LICENSE'];
    expect((toSpdx(other) as Json).packages[0].licenseDeclared).toBe('NOASSERTION');
  });
});
