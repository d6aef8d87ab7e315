// Validates SBOM documents against the official JSON schemas of their formats
// (CycloneDX 1.6, SPDX 2.3, Syft JSON), which scripts/fetch-sbom-schemas.sh
// puts into .cache/sbom-schemas/. Used by the binaries and e2e tests.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const REPO = path.resolve(import.meta.dirname, '..', '..');

export type SbomFormat = 'cdx' | 'spdx' | 'syft';

export interface SbomValidator {
  /** Schema violations of `doc`, as readable lines; empty when valid. */
  errors(format: SbomFormat, doc: unknown): string[];
}

/** Fetches the schemas when missing (idempotent, seconds) and compiles them. */
export function sbomValidator(): SbomValidator {
  const dir = execFileSync('bash', [path.join(REPO, 'scripts', 'fetch-sbom-schemas.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const load = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as AnySchema & { $id: string };
  const withFormats = <T extends Ajv>(ajv: T): T => {
    addFormats(ajv);
    // Formats that ajv-formats 3.0.1 lacks, checked loosely (non-empty, no whitespace; one "@").
    ajv.addFormat('iri-reference', /^\S*$/u);
    ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
    return ajv;
  };

  // Ajv's strict mode would refuse how the official schemas are written (e.g. an
  // "additionalItems" that draft-07 ignores): such notes are only logged, except
  // an unknown format, which would silently go unchecked: that is an error.
  const notes: string[] = [];
  const logger = { log: () => {}, warn: (...m: unknown[]) => notes.push(m.join(' ')), error: (...m: unknown[]) => notes.push(m.join(' ')) };
  const options = { allErrors: true, strict: 'log', logger } as const;
  // CycloneDX 1.6 and SPDX 2.3 are draft-07 schemas; CycloneDX documents enums with "meta:enum".
  const draft7 = withFormats(new Ajv(options));
  draft7.addKeyword('meta:enum');
  const cdxSchema = load('cyclonedx/bom-1.6.schema.json');
  draft7.addSchema(load('cyclonedx/spdx.schema.json'));
  draft7.addSchema(load('cyclonedx/jsf-0.82.schema.json'));
  draft7.addSchema(cdxSchema);
  const spdxSchema = load('spdx/spdx-schema-2.3.json');
  draft7.addSchema(spdxSchema);
  // Syft's schema is draft 2020-12.
  const draft2020 = withFormats(new Ajv2020(options));
  const syft = draft2020.compile(load('syft/schema-16.1.13.json'));

  const unknownFormats = notes.filter((n) => /unknown format/i.test(n));
  if (unknownFormats.length > 0) throw new Error(`SBOM schemas use formats ajv cannot check: ${unknownFormats.join('; ')}`);
  const validators: Record<SbomFormat, ValidateFunction> = {
    cdx: draft7.getSchema(cdxSchema.$id)!,
    spdx: draft7.getSchema(spdxSchema.$id)!,
    syft,
  };
  return {
    errors(format, doc) {
      const validate = validators[format];
      return validate(doc) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    },
  };
}
