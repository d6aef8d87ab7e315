// A small harness for end-to-end tests, in the spirit of libcnb-test: the real
// pack, lifecycle and Docker engine, typed access to build logs, images and
// running containers. Tools come from `npm run provision` (.cache/provision.env).
import { execFileSync } from 'node:child_process';
import { promises as fs, existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { testBuildpackToml } from '../binaries/harness';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
const SEA = path.join(REPO, 'build', 'buildpack', 'bin', 'livereload');

export interface Provisioned {
  PACK: string;
  PACK_HOME: string;
  BUILDER: string;
  RUN_BASE: string;
  RUN_TINY: string;
  WATCHEXEC_ARCHIVE: string;
  WATCHEXEC_SHA256: string;
  WATCHEXEC_VERSION: string;
  LIFECYCLE_TGZ: string;
  BUILD_IMAGE: string;
}

export function provisioned(): Provisioned {
  const file = path.join(REPO, '.cache', 'provision.env');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run provision`);
  if (!existsSync(SEA)) throw new Error(`${SEA} is missing: run npm run build`);
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^(?:export\s+)?([A-Z_0-9]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  const keys: (keyof Provisioned)[] = ['PACK', 'PACK_HOME', 'BUILDER', 'RUN_BASE', 'RUN_TINY', 'WATCHEXEC_ARCHIVE', 'WATCHEXEC_SHA256', 'WATCHEXEC_VERSION', 'LIFECYCLE_TGZ', 'BUILD_IMAGE'];
  for (const key of keys) if (!values[key]) throw new Error(`${file} lacks ${key}`);
  return values as unknown as Provisioned;
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `lr-e2e-${prefix}-`));
}

/** Where the watchexec archive is mounted inside the build container. */
export const DEPS_MOUNT = '/deps';

/**
 * This buildpack as pack receives it: the built amd64 SEA and a buildpack.toml
 * whose only dependency is the locally built watchexec, served by file:// from
 * a volume, so the build runs with --network none through the normal
 * download-and-verify path.
 */
export async function testBuildpack(p: Provisioned): Promise<string> {
  const dir = path.join(await tempDir('buildpack'), 'livereload');
  await fs.mkdir(path.join(dir, 'bin'), { recursive: true });
  await fs.link(SEA, path.join(dir, 'bin', 'livereload'));
  await fs.symlink('livereload', path.join(dir, 'bin', 'detect'));
  await fs.symlink('livereload', path.join(dir, 'bin', 'build'));
  const toml = await testBuildpackToml(
    [{ version: p.WATCHEXEC_VERSION, arch: 'amd64', uri: `file://${DEPS_MOUNT}/${path.basename(p.WATCHEXEC_ARCHIVE)}`, sha256: p.WATCHEXEC_SHA256 }],
    p.WATCHEXEC_VERSION,
  );
  await fs.writeFile(path.join(dir, 'buildpack.toml'), toml);
  return dir;
}

export interface PackBuildOptions {
  image: string;
  /** Defaults to the provisioned builder. */
  builder?: string;
  app: string;
  buildpacks: string[];
  env?: Record<string, string>;
  runImage?: string;
}

export async function packBuild(p: Provisioned, options: PackBuildOptions): Promise<{ exitCode: number; log: string }> {
  const args = ['build', options.image, '--path', options.app, '--builder', options.builder ?? p.BUILDER, '--pull-policy', 'never', '--trust-builder', '--trust-extra-buildpacks', '--network', 'none'];
  args.push('--volume', `${path.dirname(p.WATCHEXEC_ARCHIVE)}:${DEPS_MOUNT}:ro`);
  for (const bp of options.buildpacks) args.push('--buildpack', bp);
  for (const [k, v] of Object.entries(options.env ?? {})) args.push('--env', `${k}=${v}`);
  if (options.runImage) args.push('--run-image', options.runImage);
  const result = await execa(p.PACK, args, { env: { PACK_HOME: p.PACK_HOME }, reject: false, all: true, timeout: 600_000 });
  return { exitCode: result.exitCode ?? -1, log: result.all ?? '' };
}

/** A builder made with the real `pack builder create` from the provisioned images and lifecycle. */
export async function createBuilder(
  p: Provisioned,
  name: string,
  buildpacks: { uri: string; id: string; version: string; optional?: boolean }[],
): Promise<void> {
  const dir = await tempDir('builder');
  const toml = [
    ...buildpacks.map((b) => `[[buildpacks]]\nuri = "${b.uri}"\n`),
    '[[order]]',
    ...buildpacks.map((b) => `[[order.group]]\nid = "${b.id}"\nversion = "${b.version}"\noptional = ${b.optional === true}\n`),
    `[build]\nimage = "${p.BUILD_IMAGE}"\n`,
    `[[run.images]]\nimage = "${p.RUN_BASE}"\n`,
    `[lifecycle]\nuri = "${p.LIFECYCLE_TGZ}"\n`,
  ].join('\n');
  await fs.writeFile(path.join(dir, 'builder.toml'), toml);
  const result = await execa(p.PACK, ['builder', 'create', name, '--config', path.join(dir, 'builder.toml'), '--pull-policy', 'never'], {
    env: { PACK_HOME: p.PACK_HOME },
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) throw new Error(`pack builder create ${name} failed:\n${result.all}`);
}

export interface BuildMetadata {
  processes: { type: string; command: string[]; args: string[] | null; direct?: boolean; buildpackID: string }[];
  buildpacks: { id: string }[];
}

export function buildMetadata(image: string): BuildMetadata {
  const out = execFileSync('docker', ['image', 'inspect', image, '--format', '{{ index .Config.Labels "io.buildpacks.build.metadata" }}']);
  return JSON.parse(out.toString()) as BuildMetadata;
}

export function lifecycleMetadata(image: string): { buildpacks: { key: string; layers: Record<string, { sha: string; launch?: boolean; data?: Record<string, unknown> }> | null }[] } {
  const out = execFileSync('docker', ['image', 'inspect', image, '--format', '{{ index .Config.Labels "io.buildpacks.lifecycle.metadata" }}']);
  return JSON.parse(out.toString());
}

export function imageEntrypoint(image: string): string[] {
  return JSON.parse(execFileSync('docker', ['image', 'inspect', image, '--format', '{{ json .Config.Entrypoint }}']).toString()) as string[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Container {
  id: string;
  port: number;
  exec(args: string[], options?: { input?: Buffer; user?: string }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  logs(): Promise<string>;
  remove(): Promise<void>;
}

export async function startContainer(
  image: string,
  options: { entrypoint?: string; env?: Record<string, string>; args?: string[]; /** docker run --init */ init?: boolean } = {},
): Promise<Container> {
  const port = await freePort();
  const args = ['run', '-d', '--network', 'host', '-e', `PORT=${port}`];
  if (options.init) args.push('--init');
  for (const [k, v] of Object.entries(options.env ?? {})) args.push('-e', `${k}=${v}`);
  if (options.entrypoint) args.push('--entrypoint', options.entrypoint);
  args.push(image, ...(options.args ?? []));
  const id = (await execa('docker', args)).stdout.trim();
  return {
    id,
    port,
    async exec(cmd, opts = {}) {
      const execArgs = ['exec', '-i', ...(opts.user ? ['-u', opts.user] : []), id, ...cmd];
      const r = await execa('docker', execArgs, { reject: false, ...(opts.input ? { input: opts.input } : { stdin: 'ignore' }) });
      return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    async logs() {
      const r = await execa('docker', ['logs', id], { reject: false, all: true });
      return r.all ?? '';
    },
    async remove() {
      await execa('docker', ['rm', '-f', id], { reject: false });
    },
  };
}

export function httpGet(port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
      // A connection closed mid-body (the app restarting while it answers) ends neither with 'end' nor 'error'.
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error('connection closed before the response was complete'));
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Polls until `predicate(body)` holds; returns the body and how long it took. */
export async function waitForResponse(port: number, predicate: (body: string) => boolean, timeoutMs = 30_000, pollMs = 20): Promise<{ body: string; ms: number }> {
  const started = performance.now();
  let last = '';
  while (performance.now() - started < timeoutMs) {
    try {
      last = await httpGet(port, 1000);
      if (predicate(last)) return { body: last, ms: performance.now() - started };
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`no matching response on port ${port} within ${timeoutMs} ms; last: ${last}`);
}

export function field(body: string, name: string): string | undefined {
  return new RegExp(`^${name}=(.*)$`, 'm').exec(body)?.[1];
}

export async function removeImage(image: string): Promise<void> {
  await execa('docker', ['rmi', '-f', image], { reject: false });
}

/** A copy of a sample app in a temp dir, so tests can edit it freely. */
export async function copyApp(name: string): Promise<string> {
  const dir = path.join(await tempDir(name), name);
  await fs.cp(path.join(REPO, 'integration', 'apps', name), dir, { recursive: true });
  return dir;
}
