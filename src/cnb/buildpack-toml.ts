// Our own buildpack.toml: identity for the build log and the watchexec
// dependencies in [[metadata.dependencies]].
import { valid } from 'semver';
import { BuildpackError } from '../errors';
import { isTable, type TomlTable } from './toml-file';

export interface Dependency {
  id: string;
  name: string;
  version: string;
  uri: string;
  /** Bare lowercase hex of the archive's sha256. */
  sha256: string;
  arch: string;
  os: string;
  purl: string;
  cpes: string[];
  licenses: string[];
  source: string;
  sourceSha256: string;
  stripComponents: number;
}

export interface BuildpackDescriptor {
  id: string;
  name: string;
  version: string;
  homepage?: string;
  dependencies: Dependency[];
  defaultVersions: Record<string, string>;
}

const SHA256 = /^sha256:([0-9a-f]{64})$/;

export function parseBuildpackToml(table: TomlTable, file: string): BuildpackDescriptor {
  const fail = (what: string): never => {
    throw new BuildpackError('buildpack-toml', `${file}: ${what}`);
  };
  const buildpack = isTable(table.buildpack) ? table.buildpack : fail('missing [buildpack] table');
  const metadata = isTable(table.metadata) ? table.metadata : {};
  const rawDependencies = metadata.dependencies ?? [];
  if (!Array.isArray(rawDependencies)) fail('[metadata] dependencies must be an array of tables');

  const dependencies = (rawDependencies as unknown[]).map((raw, index): Dependency => {
    const where = `[[metadata.dependencies]] #${index + 1}`;
    if (!isTable(raw)) return fail(`${where} is not a table`);
    const text = (key: string, optional = false): string => {
      const value = raw[key];
      if (typeof value === 'string' && value !== '') return value;
      if (optional && value === undefined) return '';
      return fail(`${where}: "${key}" must be a non-empty string`);
    };
    const list = (key: string): string[] => {
      const value = raw[key] ?? [];
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(`${where}: "${key}" must be an array of strings`);
      return value as string[];
    };
    const version = text('version');
    if (valid(version) === null) fail(`${where}: version ${JSON.stringify(version)} is not a semver version`);
    const checksum = SHA256.exec(text('checksum'));
    if (!checksum) fail(`${where}: checksum must be "sha256:" followed by 64 lowercase hex digits`);
    const arch = text('arch');
    if (arch !== 'amd64' && arch !== 'arm64') fail(`${where}: arch must be amd64 or arm64, not ${JSON.stringify(arch)}`);
    const strip = raw['strip-components'] ?? 0;
    if (typeof strip !== 'number' || !Number.isInteger(strip) || strip < 0) {
      fail(`${where}: strip-components must be a non-negative integer`);
    }
    const sourceChecksum = raw['source-checksum'] === undefined ? undefined : SHA256.exec(text('source-checksum'));
    if (raw['source-checksum'] !== undefined && !sourceChecksum) {
      fail(`${where}: source-checksum must be "sha256:" followed by 64 lowercase hex digits`);
    }
    return {
      id: text('id'),
      name: text('name', true) || text('id'),
      version,
      uri: text('uri'),
      sha256: checksum![1]!,
      arch,
      os: text('os'),
      purl: text('purl', true),
      cpes: list('cpes'),
      licenses: list('licenses'),
      source: text('source', true),
      sourceSha256: sourceChecksum?.[1] ?? '',
      stripComponents: strip as number,
    };
  });

  const rawDefaults = metadata['default-versions'] ?? {};
  if (!isTable(rawDefaults) || !Object.values(rawDefaults).every((v) => typeof v === 'string')) {
    fail('[metadata.default-versions] must map dependency ids to version strings');
  }

  return {
    id: typeof buildpack.id === 'string' ? buildpack.id : fail('[buildpack] id must be a string'),
    name: typeof buildpack.name === 'string' ? buildpack.name : String(buildpack.id),
    version: typeof buildpack.version === 'string' ? buildpack.version : fail('[buildpack] version must be a string'),
    ...(typeof buildpack.homepage === 'string' && buildpack.homepage !== '' ? { homepage: buildpack.homepage } : {}),
    dependencies,
    defaultVersions: rawDefaults as Record<string, string>,
  };
}
