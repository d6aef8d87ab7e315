// Syft JSON (media type application/vnd.syft+json, file <layer>.sbom.syft.json),
// schema SYFT_SCHEMA_VERSION. Deterministic: artifact and file ids are digests
// of their content, the source id is the document's content digest.
//
// Syft packages have no field for where a binary was downloaded from: the
// downloaded archive and the source archive are `files` (their URL as path,
// with digests), tied to the package by "evident-by" relationships whose
// metadata says which is which. An npm package carries its lock-file entry
// (resolved URL, integrity) as Syft's own cataloger would.
import { createHash } from 'node:crypto';
import { combinedExpression, componentKey, contentDigest, sortedComponents, type Artifact, type Component, type SbomDocument } from './model';

export const SYFT_SCHEMA_VERSION = '16.1.13';

export function toSyft(doc: SbomDocument): Record<string, unknown> {
  const components = sortedComponents(doc.components);
  const files: Record<string, unknown>[] = [];
  const relationships: Record<string, unknown>[] = [];
  for (const c of components) {
    for (const [role, artifact] of [['distribution', c.distribution], ['source', c.source]] as const) {
      if (!artifact || c.ecosystem === 'npm') continue;
      const id = fileId(artifact);
      if (!files.some((f) => f.id === id)) files.push(syftFile(id, artifact));
      relationships.push({ parent: componentKey(c), child: id, type: 'evident-by', metadata: { role } });
    }
  }
  return {
    artifacts: components.map((c) => syftPackage(c, doc.tool.name)),
    artifactRelationships: relationships,
    ...(files.length > 0 ? { files } : {}),
    source: { id: contentDigest(doc), name: doc.name, version: '', type: 'directory', metadata: { path: doc.root } },
    distro: {},
    descriptor: { name: doc.tool.name, version: doc.tool.version },
    schema: {
      version: SYFT_SCHEMA_VERSION,
      url: `https://raw.githubusercontent.com/anchore/syft/main/schema/json/schema-${SYFT_SCHEMA_VERSION}.json`,
    },
  };
}

function syftPackage(c: Component, foundBy: string): Record<string, unknown> {
  return {
    id: componentKey(c),
    name: c.name,
    version: c.version,
    type: c.ecosystem,
    foundBy,
    locations: c.paths.map((p) => ({ path: p, accessPath: p })),
    licenses: c.licenses.map((value) => ({
      value,
      spdxExpression: combinedExpression([value]) ?? '',
      type: 'declared',
      urls: [],
      locations: [],
    })),
    language: c.ecosystem === 'npm' ? 'javascript' : '',
    cpes: c.cpes.map((cpe) => ({ cpe, source: 'declared' })),
    purl: c.purl,
    ...(c.ecosystem === 'npm' && c.distribution ? npmLockEntry(c.distribution) : {}),
  };
}

function npmLockEntry(distribution: Artifact): Record<string, unknown> {
  const sha512 = distribution.hashes.find((h) => h.algorithm === 'sha512');
  return {
    metadataType: 'javascript-npm-package-lock-entry',
    metadata: {
      resolved: distribution.url,
      integrity: sha512 ? `sha512-${Buffer.from(sha512.hex, 'hex').toString('base64')}` : '',
      dependencies: {},
    },
  };
}

function fileId(artifact: Artifact): string {
  return createHash('sha256').update(JSON.stringify(artifact)).digest('hex').slice(0, 16);
}

function syftFile(id: string, artifact: Artifact): Record<string, unknown> {
  return { id, location: { path: artifact.url }, digests: artifact.hashes.map((h) => ({ algorithm: h.algorithm, value: h.hex })) };
}
