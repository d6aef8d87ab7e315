// Runs the BUILT bin/detect and bin/build the way the lifecycle does: env vars
// and directories per the Buildpack API, the app dir as working directory, a
// buildpack directory whose buildpack.toml names test archives.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const SEA = path.join(REPO, 'build', 'buildpack', 'bin', 'livereload');

export function requireBuiltBinary(): void {
  if (!existsSync(SEA)) throw new Error(`${SEA} is missing: run npm run build first`);
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `lr-${prefix}-`));
}

export interface TestArchive {
  version: string;
  arch: 'amd64' | 'arm64';
  file: string;
  sha256: string;
}

/** A release-shaped archive: watchexec-<V>-<target>/watchexec (a tiny script) plus a LICENSE. */
export async function makeArchive(dir: string, version: string, arch: 'amd64' | 'arm64', compression: 'xz' | 'gz' = 'xz'): Promise<TestArchive> {
  const top = `watchexec-${version}-${arch === 'amd64' ? 'x86_64' : 'aarch64'}-unknown-linux-musl`;
  const work = await fs.mkdtemp(path.join(dir, 'src-'));
  await fs.mkdir(path.join(work, top));
  await fs.writeFile(path.join(work, top, 'watchexec'), `#!/bin/sh\necho "watchexec ${version} (test stand-in)"\n`, { mode: 0o755 });
  await fs.writeFile(path.join(work, top, 'LICENSE'), 'Apache-2.0 (test archive)\n');
  const file = path.join(dir, `${top}.tar.${compression}`);
  execFileSync('tar', [compression === 'xz' ? '-cJf' : '-czf', file, '-C', work, top]);
  return { version, arch, file, sha256: await sha256(file) };
}

export async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(file)).digest('hex');
}

export interface TestDependency {
  version: string;
  arch: string;
  uri: string;
  sha256: string;
}

/** The repo's buildpack.toml text with its dependencies replaced by test ones. */
export async function testBuildpackToml(deps: readonly TestDependency[], defaultVersion = '2.5.1'): Promise<string> {
  const original = await fs.readFile(path.join(REPO, 'buildpack.toml'), 'utf8');
  const head = original.slice(0, original.indexOf('[[metadata.dependencies]]')).replace(/watchexec = "[^"]*"/, `watchexec = "${defaultVersion}"`);
  const entries = deps.map(
    (d) => `[[metadata.dependencies]]
  id = "watchexec"
  name = "watchexec"
  version = "${d.version}"
  uri = "${d.uri}"
  checksum = "sha256:${d.sha256}"
  arch = "${d.arch}"
  os = "linux"
  purl = "pkg:generic/watchexec@${d.version}?arch=${d.arch}"
  cpes = ["cpe:2.3:a:watchexec:watchexec:${d.version}:*:*:*:*:*:*:*"]
  licenses = ["Apache-2.0"]
  source = "https://example.invalid/watchexec-${d.version}.tar.gz"
  source-checksum = "sha256:${'0'.repeat(64)}"
  strip-components = 1
`,
  );
  return `${head}${entries.join('\n')}`;
}

/** A buildpack dir: bin/detect and bin/build linked to the built executable, and a test buildpack.toml. */
export async function makeBuildpack(dir: string, deps: readonly TestDependency[], defaultVersion = '2.5.1'): Promise<string> {
  const bpDir = path.join(dir, 'buildpack');
  await fs.mkdir(path.join(bpDir, 'bin'), { recursive: true });
  await fs.symlink(SEA, path.join(bpDir, 'bin', 'detect'));
  await fs.symlink(SEA, path.join(bpDir, 'bin', 'build'));
  await fs.writeFile(path.join(bpDir, 'buildpack.toml'), await testBuildpackToml(deps, defaultVersion));
  return bpDir;
}

export interface Workspace {
  root: string;
  app: string;
  platform: string;
  layers: string;
  planPath: string;
  buildPlanPath: string;
}

export async function makeWorkspace(root: string, settings: Record<string, string> = {}): Promise<Workspace> {
  const ws: Workspace = {
    root,
    app: path.join(root, 'app'),
    platform: path.join(root, 'platform'),
    layers: path.join(root, 'layers', 'livereload_watchexec'),
    planPath: path.join(root, 'plan.toml'),
    buildPlanPath: path.join(root, 'build-plan.toml'),
  };
  for (const dir of [ws.app, path.join(ws.platform, 'env'), ws.layers]) await fs.mkdir(dir, { recursive: true });
  for (const [name, value] of Object.entries(settings)) await fs.writeFile(path.join(ws.platform, 'env', name), value);
  return ws;
}

export async function writePlan(ws: Workspace, toml: string): Promise<void> {
  await fs.writeFile(ws.planPath, toml);
}

export const LAUNCH_PLAN = '[[entries]]\nname = "watchexec"\n[entries.metadata]\nlaunch = true\n';

export interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr, for assertions that don't care which. */
  output: string;
}

function lifecycleEnv(extra: Record<string, string>): Record<string, string> {
  // The lifecycle passes only a filtered environment to buildpacks.
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), CNB_TARGET_OS: 'linux', CNB_TARGET_ARCH: 'amd64', ...extra };
}

async function run(bin: string, cwd: string, env: Record<string, string>): Promise<Run> {
  const result = await execa(bin, [], { cwd, env, extendEnv: false, reject: false, all: true });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, output: result.all ?? '' };
}

export function runDetect(bpDir: string, ws: Workspace, env: Record<string, string> = {}): Promise<Run> {
  return run(path.join(bpDir, 'bin', 'detect'), ws.app, lifecycleEnv({
    CNB_BUILDPACK_DIR: bpDir,
    CNB_PLATFORM_DIR: ws.platform,
    CNB_BUILD_PLAN_PATH: ws.buildPlanPath,
    ...env,
  }));
}

export function runBuild(bpDir: string, ws: Workspace, env: Record<string, string> = {}): Promise<Run> {
  return run(path.join(bpDir, 'bin', 'build'), ws.app, lifecycleEnv({
    CNB_BUILDPACK_DIR: bpDir,
    CNB_PLATFORM_DIR: ws.platform,
    CNB_BP_PLAN_PATH: ws.planPath,
    CNB_LAYERS_DIR: ws.layers,
    ...env,
  }));
}

/** A loopback HTTP server serving files by name, counting requests. */
export async function serveFiles(files: Record<string, string>): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    requests.push(req.url ?? '');
    const file = files[(req.url ?? '').replace(/^\//, '')];
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = await fs.readFile(file);
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Everything under dir, relative, sorted: to show nothing else was left behind. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await fs.readdir(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      out.push(rel);
      if (entry.isDirectory()) await walk(rel);
    }
  };
  await walk('');
  return out.sort();
}
