// SPDX 2.3 JSON (media type application/spdx+json, file <layer>.sbom.spdx.json).
// Deterministic: the required creation time is fixed (FIXED_CREATED) and the
// document namespace ends in a digest of the content.
import { combinedExpression, componentKey, documentNamespace, FIXED_CREATED, sortedComponents, type Component, type Hash, type SbomDocument } from './model';

const ALGORITHMS: Record<Hash['algorithm'], string> = { sha256: 'SHA256', sha512: 'SHA512' };
const NOASSERTION = 'NOASSERTION';

export function toSpdx(doc: SbomDocument): Record<string, unknown> {
  const components = sortedComponents(doc.components);
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: doc.name,
    documentNamespace: documentNamespace(doc),
    creationInfo: {
      created: FIXED_CREATED,
      creators: [`Tool: ${doc.tool.name}-${doc.tool.version}`],
      comment: 'The creation time is fixed so that the same layer always has the same SBOM.',
    },
    documentDescribes: components.map(spdxId),
    packages: components.map(spdxPackage),
    relationships: components.map((c) => ({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: spdxId(c) })),
  };
}

/** SPDX ids allow letters, digits, "." and "-". */
export function spdxId(c: Component): string {
  return `SPDXRef-Package-${c.ecosystem}-${c.name.replace(/[^A-Za-z0-9.-]+/g, '-')}-${componentKey(c)}`;
}

function spdxPackage(c: Component): Record<string, unknown> {
  const checksums = (c.distribution?.hashes ?? []).map((h) => ({ algorithm: ALGORITHMS[h.algorithm], checksumValue: h.hex }));
  const externalRefs = [
    ...c.cpes.map((cpe) => ({ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: cpe })),
    ...(c.purl ? [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: c.purl }] : []),
  ];
  const fileName = c.distribution ? c.distribution.url.split(/[?#]/)[0]!.split('/').pop() : undefined;
  return {
    SPDXID: spdxId(c),
    name: c.name,
    versionInfo: c.version,
    ...(fileName ? { packageFileName: fileName } : {}),
    downloadLocation: c.distribution?.url ?? NOASSERTION,
    filesAnalyzed: false,
    ...(checksums.length > 0 ? { checksums } : {}),
    ...(c.homepage ? { homepage: c.homepage } : {}),
    ...(c.source ? { sourceInfo: `built from ${c.source.url}${c.source.hashes.map((h) => ` (${h.algorithm}:${h.hex})`).join('')}` } : {}),
    licenseConcluded: NOASSERTION,
    licenseDeclared: combinedExpression(c.licenses) ?? NOASSERTION,
    copyrightText: NOASSERTION,
    ...(externalRefs.length > 0 ? { externalRefs } : {}),
    primaryPackagePurpose: c.kind === 'application' ? 'APPLICATION' : 'LIBRARY',
  };
}
