// The examples can't run Tilt or Skaffold here (no cluster, no registry), so
// this keeps them consistent with what the buildpack and the provisioning
// really provide: the builder and run image names, the buildpack path, the
// env switch, and sync rules into the image's app dir.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPO = path.resolve(import.meta.dirname, '..');
const PROVISION_LIB = readFileSync(path.join(REPO, 'scripts', 'provision', 'lib.sh'), 'utf8');
const image = (name: string) => new RegExp(`^${name}="([^"]+)"`, 'm').exec(PROVISION_LIB)?.[1];

interface SkaffoldConfig {
  build: {
    artifacts: {
      image: string;
      context: string;
      buildpacks: { builder: string; runImage?: string; buildpacks: string[]; env: string[]; trustBuilder: boolean };
      sync: { manual: { src: string; dest: string }[] };
    }[];
  };
  deploy: { docker: { images: string[] } };
}

describe.each(['python-web', 'go-web'])('examples/%s', (name) => {
  const dir = path.join(REPO, 'examples', name);
  const skaffold = parse(readFileSync(path.join(dir, 'skaffold.yaml'), 'utf8')) as SkaffoldConfig;
  const artifact = skaffold.build.artifacts[0]!;
  const tiltfile = readFileSync(path.join(dir, 'Tiltfile'), 'utf8');

  it('skaffold.yaml builds with this buildpack and live reload on, from the provisioned builder', () => {
    expect(artifact.buildpacks.builder).toBe(image('BUILDER'));
    expect(artifact.buildpacks.env).toContain('BP_LIVE_RELOAD_ENABLED=true');
    expect(artifact.buildpacks.trustBuilder).toBe(true);
    // Skaffold resolves buildpack paths from the artifact context.
    expect(path.resolve(dir, artifact.context, artifact.buildpacks.buildpacks[0]!)).toBe(path.join(REPO, 'build', 'buildpack'));
    if (name === 'go-web') expect(artifact.buildpacks.runImage).toBe(image('RUN_TINY'));
  });

  it('skaffold.yaml syncs manually into the app dir and deploys to Docker', () => {
    expect(artifact.sync.manual.length).toBeGreaterThan(0);
    // A relative dest is joined to the image's WorkingDir, /workspace for buildpack images.
    for (const rule of artifact.sync.manual) expect(rule.dest).toBe('.');
    expect(skaffold.deploy.docker.images).toEqual([artifact.image]);
  });

  it('the Tiltfile builds with pack and this buildpack and syncs into /workspace', () => {
    expect(tiltfile).toContain('--env BP_LIVE_RELOAD_ENABLED=true');
    expect(tiltfile).toContain('--buildpack ../../build/buildpack');
    expect(tiltfile).toContain(`--builder ${image('BUILDER')}`);
    const syncs = [...tiltfile.matchAll(/sync\(([^,]+), '([^']+)'\)/g)].map((m) => m[2]!);
    expect(syncs.length).toBeGreaterThan(0);
    for (const dest of syncs) expect(dest.startsWith('/workspace')).toBe(true);
    expect(existsSync(path.join(dir, 'k8s.yaml'))).toBe(true);
  });
});
