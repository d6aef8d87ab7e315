// One sync, one restart: the deletes and copies of one Tilt or Skaffold sync
// restart the app exactly once, after all files are in place, while any other
// change to a watched path still restarts it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyApp,
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
} from './harness';
import { skaffoldSync, tiltSync, type Changes } from './sync';

const IMAGE = 'lr-e2e/one-restart';

describe('one sync, one restart (python-web on the base run image)', () => {
  const containers: Container[] = [];

  async function start(): Promise<Container> {
    const c = await startContainer(IMAGE);
    containers.push(c);
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    return c;
  }

  async function starts(c: Container): Promise<number> {
    return (await c.logs()).split('\n').filter((line) => line.startsWith('python-web: version=')).length;
  }

  /** Waits long enough for a late, unwanted restart to show up before counting. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

  function files(round: number, count: number): Changes {
    const changes: Changes = { VERSION: `r${round}\n` };
    for (let i = 1; i < count; i++) changes[`src/module${i}.py`] = `# round ${round}\nVALUE = ${i}\n`;
    return changes;
  }

  beforeAll(async () => {
    const p = provisioned();
    const build = await packBuild(p, {
      image: IMAGE,
      app: await copyApp('python-web'),
      buildpacks: [path.join(REPO, 'integration', 'buildpacks', 'procfile'), await testBuildpack(p)],
      env: { BP_LIVE_RELOAD_ENABLED: 'true' },
    });
    expect(build.exitCode, build.log).toBe(0);
  });

  afterAll(async () => {
    for (const c of containers) await c.remove();
    await removeImage(IMAGE);
  });

  it('30 Tilt-style syncs of 20 files (each also deleting one) cause exactly 30 restarts', async () => {
    const c = await start();
    for (let round = 1; round <= 30; round++) {
      const deletes = round > 1 ? [`src/module${round % 19 + 1}.py`] : [];
      const sync = await tiltSync(c, files(round, 20), deletes);
      expect(sync.exitCode, sync.stderr).toBe(0);
      const response = await waitForResponse(c.port, (body) => field(body, 'version') === `r${round}`, 15_000);
      expect(field(response.body, 'version')).toBe(`r${round}`);
    }
    await settle();
    expect(await starts(c)).toBe(1 + 30);
  });

  it('a Skaffold-style sync that copies and deletes restarts once', async () => {
    const c = await start();
    for (let round = 1; round <= 5; round++) {
      const sync = await skaffoldSync(c, files(round, 20), round > 1 ? ['src/module3.py'] : []);
      expect(sync.exitCode, sync.stderr).toBe(0);
      await waitForResponse(c.port, (body) => field(body, 'version') === `r${round}`, 15_000);
    }
    await settle();
    expect(await starts(c)).toBe(1 + 5);
  });

  it('still restarts on changes that are not syncs: docker cp and an editor in the container', async () => {
    const c = await start();
    const local = path.join(await tempDir('cp'), 'VERSION');
    await fs.writeFile(local, 'copied\n');
    await execa('docker', ['cp', local, `${c.id}:/workspace/VERSION`]);
    await waitForResponse(c.port, (body) => field(body, 'version') === 'copied', 15_000);
    await c.exec(['sh', '-c', 'printf "edited\\n" > /workspace/VERSION.new && mv /workspace/VERSION.new /workspace/VERSION']);
    await waitForResponse(c.port, (body) => field(body, 'version') === 'edited', 15_000);
    await settle();
    expect(await starts(c)).toBe(3);
  });

  it('starts the app only once all files of a large sync are in place', async () => {
    const c = await start();
    // The app reads VERSION at start; module files are written first, VERSION last in the stream,
    // so an app started mid-sync would show the old version with new modules. Check both agree.
    const changes = files(99, 200);
    const sync = await tiltSync(c, changes);
    expect(sync.exitCode, sync.stderr).toBe(0);
    await waitForResponse(c.port, (body) => field(body, 'version') === 'r99', 15_000);
    await settle();
    expect(await starts(c)).toBe(2);
    const listing = await c.exec(['sh', '-c', 'ls /workspace/src | wc -l; ls -a /workspace /workspace/src | grep -c lrsync || true']);
    expect(listing.stdout.trim().split('\n')).toEqual(['199', '0']);
  });
});
