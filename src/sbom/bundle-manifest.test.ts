// scripts/bundle-manifest.mjs: how the build finds what the executable bundles.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleManifest, licensesOf, packageDirOf } from '../../scripts/bundle-manifest.mjs';

describe('packageDirOf', () => {
  it.each([
    ['node_modules/semver/functions/satisfies.js', 'node_modules/semver'],
    ['node_modules/@scope/pkg/dist/index.js', 'node_modules/@scope/pkg'],
    ['node_modules/a/node_modules/b/index.js', 'node_modules/a/node_modules/b'],
    ['../../node_modules/undici/index.js', '../../node_modules/undici'],
    ['src/main.ts', undefined],
    ['node_modules/top-level-file.js', undefined],
  ])('%s -> %s', (input, dir) => {
    expect(packageDirOf(input)).toBe(dir);
  });
});

describe('licensesOf', () => {
  it('reads every historical shape of the license field', () => {
    expect(licensesOf({ license: 'MIT' })).toEqual(['MIT']);
    expect(licensesOf({ license: { type: 'ISC', url: 'x' } })).toEqual(['ISC']);
    expect(licensesOf({ licenses: [{ type: 'MIT' }, 'Apache-2.0'] })).toEqual(['MIT', 'Apache-2.0']);
    expect(licensesOf({})).toEqual([]);
  });
});

describe('bundleManifest', () => {
  it('lists each bundled package once, from its package.json and lock entry, sorted', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lr-manifest-'));
    const pkg = (dir: string, json: Record<string, unknown>) => {
      mkdirSync(path.join(root, dir), { recursive: true });
      writeFileSync(path.join(root, dir, 'package.json'), JSON.stringify(json));
    };
    pkg('node_modules/zeta', { name: 'zeta', version: '2.0.0', license: 'MIT', homepage: 'https://zeta.test' });
    pkg('node_modules/@s/alpha', { name: '@s/alpha', version: '1.0.0', license: 'ISC' });
    pkg('node_modules/zeta/node_modules/inner', { name: 'inner', version: '0.1.0', licenses: [{ type: 'BSD-3-Clause' }] });
    pkg('node_modules/unused', { name: 'unused', version: '9.9.9', license: 'MIT' });
    writeFileSync(
      path.join(root, 'package-lock.json'),
      JSON.stringify({ packages: { 'node_modules/zeta': { resolved: 'https://r.test/zeta-2.0.0.tgz', integrity: 'sha512-AAAA' }, 'node_modules/@s/alpha': { integrity: 'sha512-BBBB' } } }),
    );
    const metafile = {
      inputs: {
        'src/main.ts': {},
        'node_modules/zeta/index.js': {},
        'node_modules/zeta/lib/x.js': {},
        'node_modules/@s/alpha/dist/a.js': {},
        'node_modules/zeta/node_modules/inner/i.js': {},
      },
    };
    const manifest = await bundleManifest({ root, cwd: root, metafile, node: { version: '24.21.0', license: 'MIT' } });
    expect(manifest).toEqual({
      node: { version: '24.21.0', license: 'MIT' },
      packages: [
        { name: '@s/alpha', version: '1.0.0', licenses: ['ISC'], integrity: 'sha512-BBBB' },
        { name: 'inner', version: '0.1.0', licenses: ['BSD-3-Clause'] },
        { name: 'zeta', version: '2.0.0', licenses: ['MIT'], homepage: 'https://zeta.test', resolved: 'https://r.test/zeta-2.0.0.tgz', integrity: 'sha512-AAAA' },
      ],
    });
  });
});
