// npm run package: the buildpack as .cnb files, one per target, made by the real
// `pack buildpack package NAME.cnb --config package.toml --format file --target linux/<arch>`.
//
//   npm run package                     online: watchexec is downloaded at build time
//   npm run package -- --offline        offline: every watchexec archive of buildpack.toml
//   npm run package:offline               for the target is inside, as dependencies/<sha256>/<file>
//
// Options: --target linux/<arch> (repeatable; default: buildpack.toml's [[targets]]),
// --buildpack DIR (default: package.toml's [buildpack] uri, i.e. build/buildpack from
// `npm run build`), --output DIR (default build/packages), --cache DIR (verified
// archives for offline packages; default .cache/dependencies).
//
// The offline archives are fetched through the same redirection the build uses
// (BP_DEPENDENCY_MIRROR[_<HOST>], and dependency-mapping / dependency-mirror bindings
// under $SERVICE_BINDING_ROOT), verified against buildpack.toml's sha256, and cached.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'smol-toml';
import { readBindings } from '../src/cnb/bindings';
import { parseBuildpackToml, type Dependency } from '../src/cnb/buildpack-toml';
import { downloadVerified } from '../src/dependency/download';
import { archiveFileName, OFFLINE_DIR, offlineArchivePath, offlineTomlPath, renderOfflineToml } from '../src/dependency/offline';
import { chooseSource, MAPPING_BINDING_TYPE, MIRROR_BINDING_TYPE, redactCredentials, redactedError, redirection, type Redirection } from '../src/dependency/redirect';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Options {
  offline: boolean;
  targets: string[];
  buildpack: string;
  output: string;
  cache: string;
}

function log(message: string): void {
  process.stdout.write(`==> ${message}\n`);
}

function usage(problem: string): never {
  process.stderr.write(`${problem}\nusage: npm run package -- [--offline] [--target linux/amd64|linux/arm64]... [--buildpack DIR] [--output DIR]\n`);
  process.exit(2);
}

function readOptions(argv: string[], packageToml: Record<string, unknown>): Options {
  const options: Options = { offline: false, targets: [], buildpack: '', output: path.join(ROOT, 'build', 'packages'), cache: path.join(ROOT, '.cache', 'dependencies') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => argv[++i] ?? usage(`${arg} needs a value`);
    if (arg === '--offline') options.offline = true;
    else if (arg === '--target') options.targets.push(value());
    else if (arg === '--buildpack') options.buildpack = path.resolve(value());
    else if (arg === '--output') options.output = path.resolve(value());
    else if (arg === '--cache') options.cache = path.resolve(value());
    else usage(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (!options.buildpack) {
    const uri = (packageToml.buildpack as { uri?: unknown } | undefined)?.uri;
    if (typeof uri !== 'string') usage('package.toml has no [buildpack] uri');
    options.buildpack = path.resolve(ROOT, uri);
  }
  return options;
}

/** PACK and PACK_HOME from the environment, else from `npm run provision`'s .cache/provision.env. */
function packCommand(): { pack: string; env: Record<string, string> } {
  const values: Record<string, string> = {};
  const file = path.join(ROOT, '.cache', 'provision.env');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const match = /^export\s+(PACK|PACK_HOME)=(.*)$/.exec(line.trim());
      if (match) values[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
    }
  }
  const pack = process.env.PACK || values.PACK;
  if (!pack) usage('pack not found: run npm run provision (it builds .cache/bin/pack) or set PACK');
  const packHome = process.env.PACK_HOME || values.PACK_HOME;
  return { pack, env: packHome ? { PACK_HOME: packHome } : {} };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The archive in <cache>/<sha256>/<file>: reused when it still matches, else fetched and verified. */
async function fetchArchive(dependency: Dependency, redirect: Redirection, cache: string): Promise<{ file: string; from: string }> {
  const file = path.join(cache, path.relative(OFFLINE_DIR, offlineArchivePath(dependency)));
  const source = chooseSource(dependency, redirect, undefined);
  if (existsSync(file) && (await sha256Of(file)) === dependency.sha256) {
    log(`  cached ${file}`);
    return { file, from: source.uri };
  }
  if (source.reason) log(`  ${source.reason}`);
  log(`  downloading ${redactCredentials(source.uri)}`);
  // Fetched beside the cache and moved in once verified: a bad download leaves nothing.
  await fs.mkdir(cache, { recursive: true });
  const partial = path.join(cache, `.${dependency.sha256}.partial`);
  const { bytes } = await downloadVerified(source.uri, partial, dependency.sha256).catch((error: unknown) => {
    const hint = source.via === 'original' ? ' (set BP_DEPENDENCY_MIRROR, or a dependency-mapping binding under $SERVICE_BINDING_ROOT, to fetch it elsewhere)' : '';
    const shown = redactedError(error, source.uri);
    throw new Error(`${shown instanceof Error ? shown.message : String(shown)}${hint}`, { cause: error });
  });
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.rename(partial, file);
  log(`  verified sha256:${dependency.sha256} (${bytes} bytes)`);
  return { file, from: source.uri };
}

/**
 * A private copy of the buildpack (hard links) laid out for `pack --target`:
 * pack reads <root>/<os>/<arch>/ for a target but, with --config, does not
 * copy buildpack.toml there itself, so the copy gets one per target.
 */
async function stage(options: Options, staging: string, targets: string[]): Promise<string> {
  const dir = path.join(staging, 'buildpack');
  execFileSync('cp', ['-al', options.buildpack, dir]);
  for (const target of targets) {
    const targetDir = path.join(dir, target);
    if (!existsSync(path.join(targetDir, 'bin', 'build'))) {
      throw new Error(`${path.join(options.buildpack, target, 'bin')} is missing: run npm run build`);
    }
    await fs.rm(path.join(targetDir, 'buildpack.toml'), { force: true });
    await fs.copyFile(path.join(dir, 'buildpack.toml'), path.join(targetDir, 'buildpack.toml'));
  }
  return dir;
}

async function embed(dependencies: Dependency[], targetDir: string, redirect: Redirection, cache: string): Promise<string[]> {
  const embedded: string[] = [];
  for (const dependency of dependencies) {
    log(`embedding ${dependency.id} ${dependency.version} for ${dependency.os}/${dependency.arch} (${archiveFileName(dependency.uri)})`);
    const { file, from } = await fetchArchive(dependency, redirect, cache);
    const copy = path.join(targetDir, offlineArchivePath(dependency));
    await fs.mkdir(path.dirname(copy), { recursive: true });
    await fs.rm(copy, { force: true });
    await fs.link(file, copy);
    await fs.writeFile(path.join(targetDir, offlineTomlPath(dependency)), renderOfflineToml(dependency, redactCredentials(from)));
    embedded.push(offlineArchivePath(dependency));
  }
  return embedded;
}

async function main(): Promise<void> {
  const started = Date.now();
  const packageTomlFile = path.join(ROOT, 'package.toml');
  const packageToml = parse(await fs.readFile(packageTomlFile, 'utf8')) as Record<string, unknown>;
  const options = readOptions(process.argv.slice(2), packageToml);
  const descriptorFile = path.join(options.buildpack, 'buildpack.toml');
  if (!existsSync(descriptorFile)) usage(`${descriptorFile} is missing: run npm run build`);
  const raw = parse(await fs.readFile(descriptorFile, 'utf8')) as Record<string, unknown>;
  const descriptor = parseBuildpackToml(raw, descriptorFile);
  const declared = ((raw.targets as { os: string; arch: string }[] | undefined) ?? []).map((t) => `${t.os}/${t.arch}`);
  const targets = options.targets.length > 0 ? options.targets : declared;
  for (const target of targets) {
    if (!declared.includes(target)) usage(`target ${target} is not one of buildpack.toml's [[targets]]: ${declared.join(', ')}`);
  }
  const { pack, env } = packCommand();
  const redirect = redirection(
    process.env,
    process.env.SERVICE_BINDING_ROOT ? readBindings(process.env.SERVICE_BINDING_ROOT, [MIRROR_BINDING_TYPE, MAPPING_BINDING_TYPE]).bindings : [],
  );

  await fs.mkdir(options.output, { recursive: true });
  const staging = await fs.mkdtemp(path.join(options.output, '.staging-'));
  const flavour = options.offline ? 'offline' : 'online';
  const base = `${descriptor.id.replace(/\//g, '-')}-${descriptor.version}${options.offline ? '-offline' : ''}`;
  try {
    const dir = await stage(options, staging, targets);
    // package.toml as written, with the buildpack pointing at the staged copy.
    await fs.writeFile(path.join(staging, 'package.toml'), stringify({ ...packageToml, buildpack: { ...(packageToml.buildpack as object), uri: 'buildpack' } }));
    for (const target of targets) {
      const [os, arch] = target.split('/') as [string, string];
      const embedded = options.offline
        ? await embed(descriptor.dependencies.filter((d) => d.os === os && d.arch === arch), path.join(dir, target), redirect, options.cache)
        : [];
      const out = path.join(options.output, `${base}-${os}-${arch}.cnb`);
      const partial = path.join(staging, path.basename(out));
      log(`pack buildpack package ${path.relative(ROOT, out)} --target ${target} (${flavour}${options.offline ? `, ${embedded.length} archives` : ''})`);
      // pack resolves the per-target folder against its working directory: run it in the staging dir.
      execFileSync(pack, ['buildpack', 'package', partial, '--config', 'package.toml', '--format', 'file', '--target', target, '--no-color'], {
        cwd: staging,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      await fs.rename(partial, out);
      log(`wrote ${path.relative(ROOT, out)} (${((await fs.stat(out)).size / 1e6).toFixed(1)} MB)`);
    }
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  log(`${flavour} packages ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((error: unknown) => {
  process.stderr.write(`package failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
