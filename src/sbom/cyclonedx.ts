// CycloneDX 1.6 JSON (media type application/vnd.cyclonedx+json, file
// <layer>.sbom.cdx.json). Deterministic: no metadata.timestamp (optional in
// CycloneDX), and a serialNumber that is a name-based UUID of the content.
import { combinedExpression, componentKey, licenseForm, serialNumber, sortedComponents, type Component, type Hash, type SbomDocument } from './model';

export const CYCLONEDX_SPEC_VERSION = '1.6';

const ALGORITHMS: Record<Hash['algorithm'], string> = { sha256: 'SHA-256', sha512: 'SHA-512' };

export function toCycloneDx(doc: SbomDocument): Record<string, unknown> {
  return {
    $schema: `http://cyclonedx.org/schema/bom-${CYCLONEDX_SPEC_VERSION}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion: CYCLONEDX_SPEC_VERSION,
    serialNumber: serialNumber(doc),
    version: 1,
    metadata: {
      tools: { components: [{ type: 'application', name: doc.tool.name, version: doc.tool.version }] },
    },
    components: sortedComponents(doc.components).map(component),
  };
}

function component(c: Component): Record<string, unknown> {
  const [cpe, ...moreCpes] = c.cpes;
  const hashes = (c.distribution?.hashes ?? []).map(hash);
  const references = [
    ...(c.distribution ? [{ type: 'distribution', url: c.distribution.url, ...hashList(c.distribution.hashes) }] : []),
    ...(c.source ? [{ type: 'source-distribution', url: c.source.url, ...hashList(c.source.hashes) }] : []),
    ...(c.homepage ? [{ type: 'website', url: c.homepage }] : []),
  ];
  return {
    type: c.kind,
    'bom-ref': `${c.ecosystem}:${c.name}@${c.version}#${componentKey(c)}`,
    name: c.name,
    version: c.version,
    ...(hashes.length > 0 ? { hashes } : {}),
    ...(c.licenses.length > 0 ? { licenses: licenses(c.licenses) } : {}),
    ...(cpe ? { cpe } : {}),
    ...(c.purl ? { purl: c.purl } : {}),
    ...(references.length > 0 ? { externalReferences: references } : {}),
    // CycloneDX has one cpe field; further CPEs are identity evidence.
    ...(moreCpes.length > 0 ? { evidence: { identity: moreCpes.map((value) => ({ field: 'cpe', concludedValue: value })) } } : {}),
  };
}

function hash(h: Hash) {
  return { alg: ALGORITHMS[h.algorithm], content: h.hex };
}

function hashList(hashes: Hash[]) {
  return hashes.length > 0 ? { hashes: hashes.map(hash) } : {};
}

/**
 * The license choice: either a list of ids and names, or exactly one
 * expression. Several licenses that include a compound expression are joined into one.
 */
function licenses(list: string[]): Record<string, unknown>[] {
  const forms = list.map(licenseForm);
  const expression = combinedExpression(list);
  if (expression !== undefined && forms.includes('expression')) return [{ expression }];
  return list.map((l, i) => ({ license: forms[i] === 'id' ? { id: l.trim() } : { name: l.trim() } }));
}
