// The ko/Skaffold design-proposal scenario on a run image with no shell, no tar
// and no rm: the developer rebuilds a static Go binary on the host, syncs only
// the binary into the running container, and watchexec restarts it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMetadata,
  field,
  packBuild,
  provisioned,
  removeImage,
  REPO,
  startContainer,
  tempDir,
  testBuildpack,
  waitForResponse,
  type Container,
  type Provisioned,
} from './harness';
import { skaffoldSyncFiles, tiltSync } from './sync';

const IMAGE = 'lr-e2e/go-web-tiny';

describe('go-web on the tiny run image (no shell, no tar, no rm)', () => {
  let p: Provisioned;
  const containers: Container[] = [];

  async function start(): Promise<Container> {
    const c = await startContainer(IMAGE);
    containers.push(c);
    return c;
  }

  /** The sample server compiled on the host with `version` built in. */
  async function buildServer(version: string): Promise<string> {
    const out = await tempDir(`go-${version}`);
    execFileSync('bash', [path.join(REPO, 'scripts', 'provision', 'build-go-app.sh'), version, out], { stdio: 'ignore' });
    return out;
  }

  beforeAll(async () => {
    p = provisioned();
    const build = await packBuild(p, {
      image: IMAGE,
      app: await buildServer('v1'),
      buildpacks: [path.join(REPO, 'integration', 'buildpacks', 'procfile'), await testBuildpack(p)],
      env: { BP_LIVE_RELOAD_ENABLED: 'true' },
      runImage: p.RUN_TINY,
    });
    expect(build.exitCode, build.log).toBe(0);
  });

  afterAll(async () => {
    for (const c of containers) await c.remove();
    await removeImage(IMAGE);
  });

  it('really has no shell, tar or rm of its own', async () => {
    const c = await start();
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    for (const tool of ['/bin/sh', '/bin/tar', '/usr/bin/tar', '/bin/rm', '/usr/bin/rm']) {
      expect((await c.exec([tool, '--version'])).exitCode, tool).not.toBe(0);
    }
    expect(buildMetadata(IMAGE).processes.map((proc) => proc.type)).toEqual(expect.arrayContaining(['reload-web', 'web', 'tar', 'rm']));
  });

  it('restarts the new binary after a Skaffold-style sync of only the binary', async () => {
    const c = await start();
    const before = await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    const v2 = await buildServer('v2');
    const sync = await skaffoldSyncFiles(c, v2, ['server']);
    expect(sync.exitCode, sync.stderr).toBe(0);
    const after = await waitForResponse(c.port, (body) => field(body, 'version') === 'v2', 15_000);
    expect(field(after.body, 'pid')).not.toBe(field(before.body, 'pid'));
  });

  it('handles a Tilt-style sync with a delete', async () => {
    const c = await start();
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    expect((await tiltSync(c, { 'static/old.txt': 'old' })).exitCode).toBe(0);
    const v3 = await buildServer('v3');
    const rm = await c.exec(['rm', '-rf', '/workspace/static/old.txt']);
    expect(rm.exitCode, rm.stderr).toBe(0);
    const { generate } = await import('../binaries/sync-harness');
    const stream = await generate(['tilt', '-src', v3, '-dest', '/workspace', 'server']);
    const copy = await c.exec(['tar', '-C', '/', '-x', '-f', '-'], { input: stream });
    expect(copy.exitCode, copy.stderr).toBe(0);
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v3', 15_000);
    // No ls on this image: ask our rm, which fails without -f on a missing path.
    const gone = await c.exec(['rm', '/workspace/static/old.txt']);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('No such file or directory');
  });
});
