// Composed with other buildpacks: a Paketo-style requirer that writes its own
// watchexec process, and a buildpack that delegates reload through the plan.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMetadata,
  copyApp,
  field,
  imageEntrypoint,
  packBuild,
  provisioned,
  removeImage,
  REPO,
  startContainer,
  testBuildpack,
  waitForResponse,
  type Container,
  type Provisioned,
} from './harness';
import { skaffoldSync } from './sync';

const REQUIRER_IMAGE = 'lr-e2e/requirer';
const DELEGATOR_IMAGE = 'lr-e2e/delegator';
const testBp = (name: string) => path.join(REPO, 'integration', 'buildpacks', name);

describe('composition with other buildpacks', () => {
  let p: Provisioned;
  let bp: string;
  let app: string;
  const containers: Container[] = [];

  beforeAll(async () => {
    p = provisioned();
    bp = await testBuildpack(p);
    app = await copyApp('python-web');
    await fs.rm(path.join(app, 'Procfile')); // the other buildpacks say what runs
  });

  afterAll(async () => {
    for (const c of containers) await c.remove();
    await removeImage(REQUIRER_IMAGE);
    await removeImage(DELEGATOR_IMAGE);
  });

  it('serves a buildpack that requires watchexec for launch and writes its own process', async () => {
    const build = await packBuild(p, { image: REQUIRER_IMAGE, app, buildpacks: [bp, testBp('requirer')] });
    expect(build.exitCode, build.log).toBe(0);
    expect(build.log).toContain('installed on the PATH for the buildpack that requires it');
    expect(buildMetadata(REQUIRER_IMAGE).processes.map((proc) => [proc.type, proc.buildpackID])).toEqual([['web', 'test/requirer']]);

    const c = await startContainer(REQUIRER_IMAGE);
    containers.push(c);
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    // PID 1 is the requirer's bare `watchexec`, found on the PATH the launcher built.
    const cmdline = (await c.exec(['cat', '/proc/1/cmdline'])).stdout.split('\0');
    expect(cmdline.slice(0, 2)).toEqual(['watchexec', '--restart']);
    expect((await c.exec(['readlink', '/proc/1/exe'])).stdout.trim()).toBe('/layers/livereload_watchexec/watchexec/bin/watchexec');
    const environ = (await c.exec(['cat', '/proc/1/environ'])).stdout.split('\0').find((v) => v.startsWith('PATH='));
    expect(environ).toContain('/layers/livereload_watchexec/watchexec/bin');
    // It reloads, with the real tar of the base image (no sync helper: live reload was not switched on here).
    const sync = await c.exec(['sh', '-c', 'echo v2 > /workspace/VERSION']);
    expect(sync.exitCode).toBe(0);
    await waitForResponse(c.port, (body) => field(body, 'version') === 'v2', 15_000);
  });

  it('writes reload-<type> for a process another buildpack passes in the plan', async () => {
    const build = await packBuild(p, { image: DELEGATOR_IMAGE, app, buildpacks: [bp, testBp('delegator')] });
    expect(build.exitCode, build.log).toBe(0);
    const types = buildMetadata(DELEGATOR_IMAGE).processes.map((proc) => proc.type);
    expect(types).toEqual(expect.arrayContaining(['reload-api', 'api', 'tar', 'rm']));
    expect(imageEntrypoint(DELEGATOR_IMAGE)).toEqual(['/cnb/process/reload-api']);

    const c = await startContainer(DELEGATOR_IMAGE);
    containers.push(c);
    const before = await waitForResponse(c.port, (body) => field(body, 'version') === 'v1');
    expect((await skaffoldSync(c, { VERSION: 'v2\n' })).exitCode).toBe(0);
    const after = await waitForResponse(c.port, (body) => field(body, 'version') === 'v2', 15_000);
    expect(field(after.body, 'pid')).not.toBe(field(before.body, 'pid'));
  });
});
