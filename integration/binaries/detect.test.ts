import { promises as fs } from 'node:fs';
import { parse } from 'smol-toml';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeBuildpack, makeWorkspace, requireBuiltBinary, runDetect, tempDir } from './harness';

describe('bin/detect (built SEA, run as the lifecycle runs it)', () => {
  let bpDir: string;
  beforeAll(async () => {
    requireBuiltBinary();
    bpDir = await makeBuildpack(await tempDir('detect-bp'), []);
  });

  it.each(['true', 'TRUE', '1', 'yes', 'Yes'])('passes and requires watchexec for launch when BP_LIVE_RELOAD_ENABLED=%s', async (value) => {
    const ws = await makeWorkspace(await tempDir('detect'), { BP_LIVE_RELOAD_ENABLED: value });
    const result = await runDetect(bpDir, ws);
    expect(result.exitCode).toBe(0);
    expect(parse(await fs.readFile(ws.buildPlanPath, 'utf8'))).toEqual({
      provides: [{ name: 'watchexec' }],
      requires: [{ name: 'watchexec', metadata: { launch: true } }],
    });
  });

  it.each([undefined, 'false', 'no', '0', ''])('passes with an empty alternative when BP_LIVE_RELOAD_ENABLED=%s', async (value) => {
    const ws = await makeWorkspace(await tempDir('detect'), value === undefined ? {} : { BP_LIVE_RELOAD_ENABLED: value });
    const result = await runDetect(bpDir, ws);
    expect(result.exitCode).toBe(0);
    expect(parse(await fs.readFile(ws.buildPlanPath, 'utf8'))).toEqual({
      provides: [{ name: 'watchexec' }],
      or: [{}],
    });
  });

  it('reads the setting from the process environment when <platform>/env lacks it', async () => {
    const ws = await makeWorkspace(await tempDir('detect'));
    const result = await runDetect(bpDir, ws, { BP_LIVE_RELOAD_ENABLED: 'true' });
    expect(result.exitCode).toBe(0);
    expect(await fs.readFile(ws.buildPlanPath, 'utf8')).toContain('[[requires]]');
  });

  it('lets <platform>/env win over the process environment', async () => {
    const ws = await makeWorkspace(await tempDir('detect'), { BP_LIVE_RELOAD_ENABLED: 'false' });
    const result = await runDetect(bpDir, ws, { BP_LIVE_RELOAD_ENABLED: 'true' });
    expect(result.exitCode).toBe(0);
    expect(await fs.readFile(ws.buildPlanPath, 'utf8')).not.toContain('[[requires]]');
  });

  it('errors (not fails) on a value it does not understand, naming the variable and the accepted values', async () => {
    const ws = await makeWorkspace(await tempDir('detect'), { BP_LIVE_RELOAD_ENABLED: 'maybe' });
    const result = await runDetect(bpDir, ws);
    expect(result.exitCode).not.toBe(0);
    expect(result.exitCode).not.toBe(100);
    expect(result.stderr).toContain('BP_LIVE_RELOAD_ENABLED="maybe"');
    expect(result.stderr).toContain('true, false, 1, 0, yes, no');
  });

  it('fails (exit 100) on a target it has no watchexec for', async () => {
    const ws = await makeWorkspace(await tempDir('detect'), { BP_LIVE_RELOAD_ENABLED: 'true' });
    const result = await runDetect(bpDir, ws, { CNB_TARGET_ARCH: 'ppc64le' });
    expect(result.exitCode).toBe(100);
    expect(result.stdout).toContain('linux/ppc64le is not supported');
  });

  it('takes the plan path from positional arguments when the env var is missing', async () => {
    const ws = await makeWorkspace(await tempDir('detect'), { BP_LIVE_RELOAD_ENABLED: 'true' });
    const { execa } = await import('execa');
    const result = await execa(`${bpDir}/bin/detect`, [ws.platform, ws.buildPlanPath], {
      cwd: ws.app,
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '', CNB_BUILDPACK_DIR: bpDir, CNB_TARGET_OS: 'linux', CNB_TARGET_ARCH: 'amd64' },
      reject: false,
    });
    expect(result.exitCode).toBe(0);
    expect(await fs.readFile(ws.buildPlanPath, 'utf8')).toContain('launch = true');
  });
});
