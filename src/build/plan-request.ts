// Merges every buildpack-plan entry named `watchexec` into one request: where
// the layer must be available, which versions are acceptable, and which
// processes other buildpacks want made reloadable.
//
// The plan convention other buildpacks can use to delegate reload:
//   [[requires]]
//   name = "watchexec"
//   [requires.metadata]
//   launch = true
//   version = "2.*"                          # optional semver range
//   [requires.metadata.process]              # optional; may also be an array of tables
//   type = "web"
//   command = ["node", "server.js"]
//   args = ["--port", "8080"]               # optional
//   working-dir = "/workspace"              # optional
//   default = true                           # optional
import type { PlanEntry } from '../cnb/buildpack-plan';
import { checkProcessType, type Process } from '../cnb/launch';
import { isTable, type TomlTable } from '../cnb/toml-file';
import type { VersionConstraint } from '../dependency/resolve';
import { BuildpackError } from '../errors';
import { validRange } from 'semver';

export const DEPENDENCY_NAME = 'watchexec';

export interface WatchexecRequest {
  launch: boolean;
  build: boolean;
  versions: VersionConstraint[];
  processes: Process[];
}

const ENTRY_KEYS = new Set(['launch', 'build', 'version', 'version-source', 'process']);
const PROCESS_KEYS = new Set(['type', 'command', 'args', 'working-dir', 'default']);

export function mergeWatchexecEntries(entries: readonly PlanEntry[]): WatchexecRequest | undefined {
  const ours = entries.filter((e) => e.name === DEPENDENCY_NAME);
  if (ours.length === 0) return undefined;
  const request: WatchexecRequest = { launch: false, build: false, versions: [], processes: [] };

  ours.forEach((entry, index) => {
    const where = `buildpack plan entry #${index + 1} for "${DEPENDENCY_NAME}"`;
    const m = entry.metadata;
    const unknown = Object.keys(m).filter((k) => !ENTRY_KEYS.has(k));
    if (unknown.length > 0) {
      throw new BuildpackError('plan', `${where} has unknown metadata key(s) ${unknown.join(', ')}; known keys: ${[...ENTRY_KEYS].join(', ')}`);
    }
    request.launch ||= flag(m, 'launch', where);
    request.build ||= flag(m, 'build', where);
    if (m.version !== undefined) {
      if (typeof m.version !== 'string' || validRange(m.version) === null) {
        throw new BuildpackError('plan', `${where}: metadata.version ${JSON.stringify(m.version)} is not a semver range such as "2.5.*"`);
      }
      const source = typeof m['version-source'] === 'string' ? m['version-source'] : 'a requiring buildpack';
      request.versions.push({ range: m.version, source });
    }
    const processes = m.process === undefined ? [] : Array.isArray(m.process) ? m.process : [m.process];
    processes.forEach((raw, i) => request.processes.push(parseProcess(raw, `${where}, metadata.process${processes.length > 1 ? `[${i}]` : ''}`)));
  });

  // Nobody said where watchexec is needed: at launch is what reload is for.
  if (!request.launch && !request.build) request.launch = true;
  const types = request.processes.map((p) => p.type);
  const duplicate = types.find((t, i) => types.indexOf(t) !== i);
  if (duplicate) throw new BuildpackError('plan', `the buildpack plan asks twice for a reloadable "${duplicate}" process`);
  return request;
}

function flag(metadata: TomlTable, key: string, where: string): boolean {
  const value = metadata[key];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new BuildpackError('plan', `${where}: metadata.${key} must be true or false, not ${JSON.stringify(value)}`);
  return value;
}

function parseProcess(raw: unknown, where: string): Process {
  if (!isTable(raw)) throw new BuildpackError('plan', `${where} must be a table with type and command`);
  const unknown = Object.keys(raw).filter((k) => !PROCESS_KEYS.has(k));
  if (unknown.length > 0) {
    throw new BuildpackError('plan', `${where} has unknown key(s) ${unknown.join(', ')}; known keys: ${[...PROCESS_KEYS].join(', ')}`);
  }
  if (typeof raw.type !== 'string') throw new BuildpackError('plan', `${where}: "type" must be a string`);
  checkProcessType(raw.type, where, 'plan');
  const strings = (key: string, required: boolean): string[] => {
    const value = raw[key];
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string') || (required && value.length === 0)) {
      throw new BuildpackError('plan', `${where}: "${key}" must be ${required ? 'a non-empty' : 'an'} array of strings`);
    }
    return value as string[];
  };
  const command = strings('command', true);
  if (command[0] === '') throw new BuildpackError('plan', `${where}: "command" must start with a program name`);
  if (raw.default !== undefined && typeof raw.default !== 'boolean') throw new BuildpackError('plan', `${where}: "default" must be true or false`);
  if (raw['working-dir'] !== undefined && typeof raw['working-dir'] !== 'string') {
    throw new BuildpackError('plan', `${where}: "working-dir" must be a string`);
  }
  return {
    type: raw.type,
    command,
    args: strings('args', false),
    default: raw.default === true,
    ...(typeof raw['working-dir'] === 'string' ? { workingDir: raw['working-dir'] } : {}),
  };
}
