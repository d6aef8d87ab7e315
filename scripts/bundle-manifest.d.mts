// Types of bundle-manifest.mjs, for the TypeScript code and tests that import it.
import type { BundleManifest } from '../src/sbom/components';

export function packageDirOf(input: string): string | undefined;
export function licensesOf(pkg: Record<string, unknown>): string[];
export function bundleManifest(options: {
  root: string;
  cwd?: string;
  metafile: { inputs: Record<string, unknown> };
  node: { version: string; license: string };
}): Promise<BundleManifest>;
