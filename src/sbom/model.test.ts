import { describe, expect, it } from 'vitest';
import { combinedExpression, contentDigest, documentNamespace, licenseForm, serialNumber, sortedComponents } from './model';
import { helperDoc, watchexecDoc } from './testdata/fixtures';

describe('licenseForm', () => {
  it.each([
    ['MIT', 'id'],
    ['Apache-2.0', 'id'],
    ['GPL-2.0+', 'id'],
    ['MIT OR Apache-2.0', 'expression'],
    ['(MIT OR Apache-2.0)', 'expression'],
    ['Apache-2.0 AND (MIT OR GPL-2.0-only)', 'expression'],
    ['GPL-2.0-only WITH Classpath-exception-2.0', 'expression'],
    ['LicenseRef-custom', 'expression'],
    ['SEE LICENSE IN LICENSE.md', 'name'],
    ['UNLICENSED', 'name'],
    ['MIT OR', 'name'],
    ['(MIT', 'name'],
    ['', 'name'],
  ])('%j is written as %s', (license, form) => {
    expect(licenseForm(license)).toBe(form);
  });
});

describe('combinedExpression', () => {
  it('keeps one license as it is and joins several with AND, compound ones in parentheses', () => {
    expect(combinedExpression(['MIT'])).toBe('MIT');
    expect(combinedExpression(['MIT', 'Apache-2.0 OR ISC'])).toBe('MIT AND (Apache-2.0 OR ISC)');
  });

  it('is undefined without licenses or with a free-text one', () => {
    expect(combinedExpression([])).toBeUndefined();
    expect(combinedExpression(['MIT', 'SEE LICENSE IN x'])).toBeUndefined();
  });
});

describe('identifiers derived from the content', () => {
  it('are the same for the same content, whatever the component order', () => {
    const doc = helperDoc();
    const reversed = { ...doc, components: [...doc.components].reverse() };
    expect(contentDigest(reversed)).toBe(contentDigest(doc));
    expect(serialNumber(reversed)).toBe(serialNumber(doc));
  });

  it('change with any component field', () => {
    const doc = watchexecDoc();
    const changed = { ...doc, components: [{ ...doc.components[0]!, version: '2.5.2' }] };
    expect(contentDigest(changed)).not.toBe(contentDigest(doc));
    expect(serialNumber(changed)).not.toBe(serialNumber(doc));
  });

  it('the serial number is an RFC 4122 version 5 UUID URN; the namespace is the base plus the digest', () => {
    const doc = watchexecDoc();
    expect(serialNumber(doc)).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(documentNamespace(doc)).toBe(`https://github.com/livereload-buildpacks/watchexec/sbom/watchexec/${contentDigest(doc)}`);
  });

  it('components sort by name, then version', () => {
    const names = sortedComponents(helperDoc().components).map((c) => c.name);
    expect(names).toEqual(['@scope/dual', 'node', 'semver', 'undici']);
  });
});
