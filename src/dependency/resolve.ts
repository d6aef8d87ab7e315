// Choosing which watchexec to install: the newest dependency for this target
// that satisfies the strongest constraint given.
import { maxSatisfying, satisfies } from 'semver';
import type { Dependency } from '../cnb/buildpack-toml';
import { BuildpackError } from '../errors';

export interface VersionConstraint {
  range: string;
  /** Who asked for it, for the build log and for errors. */
  source: string;
}

export interface Resolution {
  dependency: Dependency;
  /** Why this version: the constraints that chose it. */
  reason: string;
}

export interface ResolveInput {
  id: string;
  dependencies: readonly Dependency[];
  os: string;
  arch: string;
  /** BP_WATCHEXEC_VERSION, when set: it overrides everything else. */
  override: VersionConstraint | undefined;
  /** Version constraints from the requirers in the buildpack plan. */
  requested: readonly VersionConstraint[];
  /** [metadata.default-versions] entry, used when nobody asked for a version. */
  defaultVersion: string | undefined;
}

export function resolveDependency(input: ResolveInput): Resolution {
  const forTarget = input.dependencies.filter((d) => d.id === input.id && d.os === input.os && d.arch === input.arch);
  const available = [...new Set(forTarget.map((d) => d.version))];
  if (available.length === 0) {
    const targets = [...new Set(input.dependencies.filter((d) => d.id === input.id).map((d) => `${d.os}/${d.arch}`))];
    throw new BuildpackError(
      'dependency',
      `no ${input.id} is available for ${input.os}/${input.arch}; buildpack.toml lists it for: ${targets.join(', ') || 'no target at all'}`,
    );
  }

  const constraints: VersionConstraint[] = input.override
    ? [input.override]
    : input.requested.length > 0
      ? [...input.requested]
      : input.defaultVersion
        ? [{ range: input.defaultVersion, source: 'default-versions in buildpack.toml' }]
        : [];

  const matching = available.filter((v) => constraints.every((c) => satisfies(v, c.range)));
  const version = maxSatisfying(matching, '*');
  if (version === null) {
    const asked = constraints.map((c) => `${c.range} (${c.source})`).join(' and ');
    throw new BuildpackError(
      'dependency',
      `no ${input.id} version satisfies ${asked}; versions available for ${input.os}/${input.arch}: ${sortDescending(available).join(', ')}`,
    );
  }
  const dependency = forTarget.find((d) => d.version === version)!;
  const reason =
    constraints.length === 0
      ? 'newest available'
      : constraints.map((c) => `${c.source} asks for ${c.range}`).join('; ');
  return { dependency, reason };
}

function sortDescending(versions: string[]): string[] {
  return [...versions].sort((a, b) => (satisfies(a, `>${b}`) ? -1 : satisfies(b, `>${a}`) ? 1 : 0));
}
