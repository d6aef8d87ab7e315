// What a layer's SBOM says, independent of format: a document with a typed
// list of components. cyclonedx.ts, spdx.ts and syft.ts turn one into each
// format the lifecycle accepts; nothing here reads the clock or the disk, so
// the same input always gives byte-identical files (reused layers included).
import { createHash } from 'node:crypto';

export type HashAlgorithm = 'sha256' | 'sha512';

export interface Hash {
  algorithm: HashAlgorithm;
  /** Lowercase hex. */
  hex: string;
}

/** A file the component came from, or its source code came from. */
export interface Artifact {
  url: string;
  hashes: Hash[];
}

export interface Component {
  /** A standalone program (watchexec, Node) or a library inside one (an npm package). */
  kind: 'application' | 'library';
  /** The ecosystem, as Syft names package types. */
  ecosystem: 'binary' | 'npm';
  name: string;
  version: string;
  purl: string;
  cpes: string[];
  /** Each an SPDX license expression (usually a single id) or, failing that, a free-text name. */
  licenses: string[];
  /** The artifact this component was installed from (the archive, the npm tarball). */
  distribution?: Artifact;
  /** The source code it was built from. */
  source?: Artifact;
  homepage?: string;
  /** Where the component sits in the image, e.g. the binary in the layer. */
  paths: string[];
}

export interface SbomDocument {
  /** What the document describes, e.g. "livereload/watchexec layer watchexec". */
  name: string;
  /** The directory the document describes: the layer. */
  root: string;
  /** Absolute URI the SPDX document namespace starts with; a content digest is appended. */
  namespaceBase: string;
  /** The program that wrote the document: this buildpack. */
  tool: { name: string; version: string };
  components: Component[];
}

/**
 * The SPDX creation time. SPDX requires one, but a real clock would make every
 * build's SBOM differ; like the lifecycle's image creation time this is a
 * fixed instant (1980-01-01T00:00:01Z) so that reproducible builds stay reproducible.
 */
export const FIXED_CREATED = '1980-01-01T00:00:01Z';

/** Components in a stable order: by name, then version, then purl. */
export function sortedComponents(components: readonly Component[]): Component[] {
  const key = (c: Component) => [c.name, c.version, c.purl];
  return [...components].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) {
      if (ka[i]! !== kb[i]!) return ka[i]! < kb[i]! ? -1 : 1;
    }
    return 0;
  });
}

/** sha256 (hex) of the document's content, the seed of every identifier the formats need. */
export function contentDigest(doc: SbomDocument): string {
  const canonical = JSON.stringify({
    name: doc.name,
    root: doc.root,
    namespaceBase: doc.namespaceBase,
    tool: doc.tool,
    components: sortedComponents(doc.components),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** The SPDX document namespace: the base URI plus the content digest. */
export function documentNamespace(doc: SbomDocument): string {
  return `${doc.namespaceBase.replace(/\/+$/, '')}/${contentDigest(doc)}`;
}

/**
 * A name-based (version 5) UUID of the document namespace: the CycloneDX serial
 * number. Same content, same serial; any change in content, a new one.
 */
export function serialNumber(doc: SbomDocument): string {
  // RFC 4122 name space ID for URLs.
  const urlNamespace = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');
  const bytes = createHash('sha1').update(urlNamespace).update(documentNamespace(doc)).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A short stable identifier of one component within a document. */
export function componentKey(c: Component): string {
  return createHash('sha256').update(JSON.stringify([c.ecosystem, c.name, c.version, c.purl])).digest('hex').slice(0, 16);
}

export type LicenseForm = 'id' | 'expression' | 'name';

/**
 * How a license string can be written: a single SPDX id (`MIT`), a compound
 * SPDX expression (`MIT OR Apache-2.0`, `GPL-2.0-only WITH Classpath-exception-2.0`,
 * anything with LicenseRef-), or only as free text (`SEE LICENSE IN LICENSE.md`,
 * npm's `UNLICENSED`). The grammar is checked; whether an id is on the SPDX list is not.
 */
export function licenseForm(license: string): LicenseForm {
  const tokens = license.trim().match(/\(|\)|[^\s()]+/g) ?? [];
  if (tokens.length === 0 || license.trim().toUpperCase() === 'UNLICENSED') return 'name';
  let at = 0;
  const isId = (t: string | undefined) =>
    t !== undefined && !['AND', 'OR', 'WITH'].includes(t) && /^(?:DocumentRef-[A-Za-z0-9.-]+:)?[A-Za-z0-9.-]+\+?$/.test(t);
  const term = (): boolean => {
    if (tokens[at] === '(') {
      at++;
      if (!expression() || tokens[at] !== ')') return false;
      at++;
      return true;
    }
    if (!isId(tokens[at])) return false;
    at++;
    if (tokens[at] === 'WITH') {
      at++;
      if (!isId(tokens[at])) return false;
      at++;
    }
    return true;
  };
  const expression = (): boolean => {
    if (!term()) return false;
    while (tokens[at] === 'AND' || tokens[at] === 'OR') {
      at++;
      if (!term()) return false;
    }
    return true;
  };
  if (!expression() || at !== tokens.length) return 'name';
  return tokens.length === 1 && !/LicenseRef-/.test(tokens[0]!) ? 'id' : 'expression';
}

/**
 * All licenses of a component as one SPDX expression (`A AND (B OR C)`), or
 * undefined when one of them is not an SPDX expression.
 */
export function combinedExpression(licenses: readonly string[]): string | undefined {
  if (licenses.length === 0 || licenses.some((l) => licenseForm(l) === 'name')) return undefined;
  if (licenses.length === 1) return licenses[0]!.trim();
  return licenses.map((l) => (licenseForm(l) === 'id' ? l.trim() : `(${l.trim()})`)).join(' AND ');
}
