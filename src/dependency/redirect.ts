// Where the watchexec archive is fetched from, following Paketo's conventions
// so one configuration serves every buildpack of a build:
//
//   1. a copy inside the buildpack (offline package: dependencies/<sha256>/<file>)
//   2. a `dependency-mapping` binding entry named by the archive's sha256
//   3. a mirror: BP_DEPENDENCY_MIRROR_<HOST>, BP_DEPENDENCY_MIRROR, then the
//      `dependency-mirror` binding's <host> and `default` keys
//   4. the URI in buildpack.toml
//
// Whatever the source, the download is verified against buildpack.toml's
// sha256. Pure: the bindings and the offline lookup are read by the caller.
import { hasType, type Binding } from '../cnb/bindings';
import { BuildpackError } from '../errors';
import { invalid } from '../settings/parse';
import type { Env } from '../settings/settings';

export const MIRROR_BINDING_TYPE = 'dependency-mirror';
export const MAPPING_BINDING_TYPE = 'dependency-mapping';
export const MIRROR_ENV = 'BP_DEPENDENCY_MIRROR';
const MIRROR_ENV_HOST_PREFIX = `${MIRROR_ENV}_`;
const DEFAULT_KEY = 'default';

export interface Mirror {
  /** `default`, or the lower-case host name whose URIs it serves. */
  host: string;
  /** The mirror's base URI, percent-decoded; may contain `{originalHost}`. */
  base: string;
  /** A prefix of the original path that is left out, percent-decoded. */
  skipPath: string | undefined;
  /** Where it was configured, for the log and for errors. */
  origin: string;
  from: 'env' | 'binding';
}

export interface Redirection {
  /** In the order they are tried: the environment's, then the binding's. */
  mirrors: Mirror[];
  /** Every `dependency-mapping` binding. */
  mappingBindings: Binding[];
}

export interface Source {
  uri: string;
  via: 'buildpack' | 'mapping' | 'mirror' | 'original';
  /** For the build log: which rule chose the URI. */
  reason: string;
}

/** Reads and validates the mirror settings and bindings, so a bad one fails the build before any layer is touched. */
export function redirection(env: Env, bindings: readonly Binding[]): Redirection {
  return {
    mirrors: [...mirrorsFromEnv(env), ...mirrorsFromBindings(bindings)],
    mappingBindings: bindings.filter((b) => hasType(b, MAPPING_BINDING_TYPE)),
  };
}

/** BP_DEPENDENCY_MIRROR_<HOST> names a host with `.` written `_` and `-` written `__`. */
export function hostFromEnvName(name: string): string {
  return name.slice(MIRROR_ENV_HOST_PREFIX.length).replace(/__/g, '\0').replace(/_/g, '.').replace(/\0/g, '-').toLowerCase();
}

export function envNameForHost(host: string): string {
  return `${MIRROR_ENV_HOST_PREFIX}${host.toUpperCase().replace(/-/g, '__').replace(/\./g, '_')}`;
}

/** Per-host mirrors first (sorted for a stable order), then the default; blank values are unset. */
export function mirrorsFromEnv(env: Env): Mirror[] {
  const hosts: Mirror[] = [];
  let fallback: Mirror | undefined;
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    if (name === MIRROR_ENV) {
      fallback = { host: DEFAULT_KEY, ...parseMirror(value, name, 'env'), origin: name, from: 'env' };
    } else if (name.startsWith(MIRROR_ENV_HOST_PREFIX) && name.length > MIRROR_ENV_HOST_PREFIX.length) {
      hosts.push({ host: hostFromEnvName(name), ...parseMirror(value, name, 'env'), origin: name, from: 'env' });
    }
  }
  return fallback ? [...hosts, fallback] : hosts;
}

/** At most one `dependency-mirror` binding (as in Paketo); its keys are host names or `default`. */
export function mirrorsFromBindings(bindings: readonly Binding[]): Mirror[] {
  const found = bindings.filter((b) => hasType(b, MIRROR_BINDING_TYPE));
  if (found.length > 1) {
    throw new BuildpackError(
      'binding',
      `there are ${found.length} bindings of type ${MIRROR_BINDING_TYPE} (${found.map((b) => `"${b.name}"`).join(', ')}); use one, with a "default" key and/or one key per host`,
    );
  }
  const binding = found[0];
  if (!binding) return [];
  const mirrors = Object.entries(binding.entries)
    .filter(([, value]) => value.trim() !== '')
    .map(([key, value]): Mirror => {
      const origin = `binding "${binding.name}" (${MIRROR_BINDING_TYPE}, key ${key})`;
      return { host: key.trim().toLowerCase(), ...parseMirror(value, origin, 'binding'), origin, from: 'binding' };
    });
  return [...mirrors.filter((m) => m.host !== DEFAULT_KEY), ...mirrors.filter((m) => m.host === DEFAULT_KEY)];
}

/**
 * `[mirror=]<uri>[,skip-path=<path>]`, each part percent-decoded (so a URI
 * holding a comma writes it as %2C). The scheme must be acceptable.
 */
export function parseMirror(value: string, origin: string, from: Mirror['from']): { base: string; skipPath: string | undefined } {
  const fail = (why: string): never => {
    throw from === 'env' ? invalid(origin, value, why) : new BuildpackError('binding', `${origin}: ${JSON.stringify(value)} is not valid: ${why}`);
  };
  let base: string | undefined;
  let skipPath: string | undefined;
  for (const [index, raw] of value.trim().split(',').entries()) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    const key = eq > 0 && /^[a-z-]+$/.test(part.slice(0, eq)) ? part.slice(0, eq) : undefined;
    const text = decode(key === undefined ? part : part.slice(eq + 1), fail);
    if (key === undefined || key === 'mirror') {
      if (base !== undefined || (key === undefined && index > 0)) fail('expected [mirror=]<uri>[,skip-path=<path>] with one URI');
      base = text;
    } else if (key === 'skip-path') {
      skipPath = text.startsWith('/') ? text : `/${text}`;
    } else {
      fail(`unknown option "${key}"; expected [mirror=]<uri>[,skip-path=<path>]`);
    }
  }
  if (!base) return fail('expected [mirror=]<uri>[,skip-path=<path>]');
  const problem = schemeProblem(base.replace(/\{originalHost\}/g, 'original.example'));
  if (problem) fail(problem);
  return { base, skipPath };
}

function decode(text: string, fail: (why: string) => never): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(`${JSON.stringify(text)} has a malformed %-escape`);
  }
}

/**
 * https:// and file:// are accepted everywhere, as in Paketo. http:// only
 * for a loopback host (a local cache or test server): the checksum protects
 * the content either way, but a plain-text mirror on the network is refused.
 */
export function schemeProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'expected an absolute https:// or file:// URI';
  }
  if (url.protocol === 'https:' || url.protocol === 'file:') return undefined;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return undefined;
  if (url.protocol === 'http:') return 'http:// is accepted only for a loopback host (localhost, 127.0.0.0/8, [::1]); use https:// or file://';
  return `the scheme ${url.protocol} is not supported; use https:// or file://`;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The mirror for this URI: the first whose host is the URI's host, else the first default. */
export function findMirror(mirrors: readonly Mirror[], uri: string): Mirror | undefined {
  let host: string;
  try {
    host = new URL(uri).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  // The environment wins over the binding; within each, the host's own mirror wins over the default.
  for (const from of ['env', 'binding'] as const) {
    const group = mirrors.filter((m) => m.from === from);
    const chosen = group.find((m) => m.host === host) ?? group.find((m) => m.host === DEFAULT_KEY);
    if (chosen) return chosen;
  }
  return undefined;
}

/**
 * The mirror's URI for an original URI: `{originalHost}` becomes the original
 * host, then the original path (less `skip-path`) and query are appended.
 */
export function applyMirror(mirror: Pick<Mirror, 'base' | 'skipPath'>, uri: string): string {
  const original = new URL(uri);
  const base = mirror.base.replace(/\{originalHost\}/g, original.host).replace(/\/+$/, '');
  let rest = original.pathname;
  if (mirror.skipPath) {
    const skip = new URL(mirror.skipPath.replace(/\/+$/, ''), 'https://x').pathname;
    if (rest === skip || rest.startsWith(`${skip}/`)) rest = rest.slice(skip.length);
  }
  return `${base}${rest}${original.search}`;
}

const MAPPING_KEY = /^(?:sha256[:_])?([0-9a-f]{64})$/;

/** The mapped URI for a sha256 from the `dependency-mapping` bindings, refusing two different answers. */
export function findMapping(bindings: readonly Binding[], sha256: string): { uri: string; origin: string } | undefined {
  const found: { uri: string; origin: string }[] = [];
  for (const binding of bindings) {
    for (const [key, value] of Object.entries(binding.entries)) {
      const match = MAPPING_KEY.exec(key.trim().toLowerCase());
      if (match?.[1] !== sha256 || value.trim() === '') continue;
      found.push({ uri: value.trim(), origin: `binding "${binding.name}" (${MAPPING_BINDING_TYPE}, key ${key})` });
    }
  }
  const uris = [...new Set(found.map((f) => f.uri))];
  if (uris.length > 1) {
    throw new BuildpackError('binding', `sha256:${sha256} is mapped to different URIs: ${found.map((f) => `${f.uri} by ${f.origin}`).join('; ')}`);
  }
  const mapping = found[0];
  if (!mapping) return undefined;
  const problem = schemeProblem(mapping.uri);
  if (problem) throw new BuildpackError('binding', `${mapping.origin}: ${JSON.stringify(mapping.uri)} is not valid: ${problem}`);
  return mapping;
}

/** Chooses the source by the precedence at the top of this file. */
export function chooseSource(
  dependency: { uri: string; sha256: string },
  redirect: Redirection,
  offlineCopy: string | undefined,
): Source {
  if (offlineCopy) {
    return { uri: offlineCopy, via: 'buildpack', reason: 'Using the copy inside the buildpack (offline package); nothing is downloaded' };
  }
  const mapping = findMapping(redirect.mappingBindings, dependency.sha256);
  if (mapping) return { uri: mapping.uri, via: 'mapping', reason: `Using mapping from ${mapping.origin}: ${redactCredentials(mapping.uri)}` };
  const mirror = findMirror(redirect.mirrors, dependency.uri);
  if (mirror) {
    const uri = applyMirror(mirror, dependency.uri);
    return { uri, via: 'mirror', reason: `Using mirror from ${mirror.origin} for ${dependency.uri}: ${redactCredentials(uri)}` };
  }
  return { uri: dependency.uri, via: 'original', reason: '' };
}

/** A URI fit for the build log: a password in it is replaced by `***`. */
export function redactCredentials(uri: string): string {
  try {
    const url = new URL(uri);
    if (!url.password) return uri;
    url.password = '***';
    return url.href;
  } catch {
    return uri;
  }
}

/** An error whose message may hold `uri`, with the URI's password replaced by `***`. */
export function redactedError(error: unknown, uri: string): unknown {
  const shown = redactCredentials(uri);
  if (shown === uri || !(error instanceof Error) || !error.message.includes(uri)) return error;
  const message = error.message.split(uri).join(shown);
  return error instanceof BuildpackError ? new BuildpackError(error.kind, message, { cause: error.cause }) : new Error(message);
}
