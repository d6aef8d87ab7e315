// What the single executable is made of, for the sync-helper layer's SBOM:
// the pinned Node and every npm package esbuild put into the bundle. The
// packages come from esbuild's metafile (its inputs under node_modules/),
// never from a hand-kept list; name, version and license from each package's
// own package.json, the tarball URL and integrity from package-lock.json.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The package directory of a metafile input (the innermost node_modules/<pkg> or node_modules/@scope/<pkg>), or undefined. */
export function packageDirOf(input) {
  const match = /^(?:.*\/)?node_modules\/(?:@[^/]+\/)?[^/]+(?=\/)/.exec(input.replace(/\\/g, '/'));
  return match?.[0];
}

/** package.json's license field in all its historical shapes, as a list of strings. */
export function licensesOf(pkg) {
  const one = (value) => (typeof value === 'string' ? value : typeof value?.type === 'string' ? value.type : undefined);
  if (pkg.license !== undefined) return [one(pkg.license)].filter(Boolean);
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map(one).filter(Boolean);
  return [];
}

/**
 * @param {{ root: string, cwd?: string, metafile: { inputs: Record<string, unknown> }, node: { version: string, license: string } }} options
 *   root: the repository (holds package-lock.json); cwd: what metafile paths are relative to (esbuild's working directory).
 */
export async function bundleManifest({ root, cwd = process.cwd(), metafile, node }) {
  const lock = JSON.parse(await fs.readFile(path.join(root, 'package-lock.json'), 'utf8'));
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDirOf(input);
    if (dir) dirs.add(path.relative(root, path.resolve(cwd, dir)).split(path.sep).join('/'));
  }
  const packages = [];
  for (const dir of dirs) {
    const pkg = JSON.parse(await fs.readFile(path.join(root, dir, 'package.json'), 'utf8'));
    if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') throw new Error(`${dir}/package.json has no name or version`);
    const locked = lock.packages?.[dir] ?? {};
    packages.push({
      name: pkg.name,
      version: pkg.version,
      licenses: licensesOf(pkg),
      ...(typeof pkg.homepage === 'string' ? { homepage: pkg.homepage } : {}),
      ...(typeof locked.resolved === 'string' ? { resolved: locked.resolved } : {}),
      ...(typeof locked.integrity === 'string' ? { integrity: locked.integrity } : {}),
    });
  }
  packages.sort((a, b) => (a.name === b.name ? (a.version < b.version ? -1 : a.version > b.version ? 1 : 0) : a.name < b.name ? -1 : 1));
  return { node, packages };
}
