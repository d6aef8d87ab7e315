import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildContext, detectContext, platformEnv } from './context';

const root = mkdtempSync(path.join(tmpdir(), 'context-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function platform(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(root, 'platform-'));
  mkdirSync(path.join(dir, 'env'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, 'env', name), content);
  return dir;
}

describe('platformEnv', () => {
  it('reads BP_* files verbatim and nothing else', () => {
    const dir = platform({ BP_LIVE_RELOAD_ENABLED: 'true\n', BP_LIVE_RELOAD_COMMAND: 'node app.js', HOME: '/x', NODE_ENV: 'dev' });
    mkdirSync(path.join(dir, 'env', 'BP_A_DIRECTORY'));
    expect(platformEnv(dir)).toEqual({ BP_LIVE_RELOAD_ENABLED: 'true\n', BP_LIVE_RELOAD_COMMAND: 'node app.js' });
  });

  it('is empty without an env directory', () => {
    expect(platformEnv(path.join(root, 'nowhere'))).toEqual({});
  });
});

describe('detectContext', () => {
  it('reads the CNB_* variables, and platform files win over the process environment', () => {
    const dir = platform({ BP_LIVE_RELOAD_ENABLED: 'true' });
    const ctx = detectContext(
      {
        CNB_PLATFORM_DIR: dir,
        CNB_BUILDPACK_DIR: '/cnb/buildpacks/x',
        CNB_BUILD_PLAN_PATH: '/tmp/plan.toml',
        CNB_TARGET_OS: 'linux',
        CNB_TARGET_ARCH: 'arm64',
        BP_LIVE_RELOAD_ENABLED: 'false',
        BP_LOG_LEVEL: 'DEBUG',
      },
      [],
      '/workspace',
    );
    expect(ctx).toMatchObject({
      appDir: '/workspace',
      buildpackDir: '/cnb/buildpacks/x',
      platformDir: dir,
      buildPlanPath: '/tmp/plan.toml',
      target: { os: 'linux', arch: 'arm64' },
    });
    expect(ctx.env.BP_LIVE_RELOAD_ENABLED).toBe('true');
    expect(ctx.env.BP_LOG_LEVEL).toBe('DEBUG');
  });

  it('falls back to the positional arguments <platform> <plan>', () => {
    const dir = platform({});
    const ctx = detectContext({ CNB_BUILDPACK_DIR: '/b', CNB_TARGET_OS: 'linux', CNB_TARGET_ARCH: 'amd64' }, [dir, '/p/plan.toml'], '/w');
    expect(ctx.platformDir).toBe(dir);
    expect(ctx.buildPlanPath).toBe('/p/plan.toml');
  });

  it('refuses to run without the lifecycle', () => {
    expect(() => detectContext({}, [], '/w')).toThrowError('CNB_PLATFORM_DIR is not set: bin/detect and bin/build must be run by a CNB lifecycle');
    expect(() => detectContext({ CNB_PLATFORM_DIR: '/p', CNB_BUILD_PLAN_PATH: '/x' }, [], '/w')).toThrowError(/^CNB_BUILDPACK_DIR is not set/);
  });
});

describe('buildContext', () => {
  it('falls back to the positional arguments <layers> <platform> <plan>', () => {
    const dir = platform({ BP_LOG_LEVEL: 'debug' });
    const ctx = buildContext({ CNB_BUILDPACK_DIR: '/b', CNB_TARGET_OS: 'linux', CNB_TARGET_ARCH: 'amd64' }, ['/layers/x', dir, '/p/plan.toml'], '/w');
    expect(ctx).toMatchObject({
      appDir: '/w',
      buildpackDir: '/b',
      layersDir: '/layers/x',
      platformDir: dir,
      planPath: '/p/plan.toml',
      target: { os: 'linux', arch: 'amd64' },
    });
    expect(ctx.env.BP_LOG_LEVEL).toBe('debug');
  });

  it('prefers the CNB_* variables over the positional arguments', () => {
    const dir = platform({});
    const ctx = buildContext(
      { CNB_BUILDPACK_DIR: '/b', CNB_LAYERS_DIR: '/L', CNB_PLATFORM_DIR: dir, CNB_BP_PLAN_PATH: '/P' },
      ['/layers/x', '/other', '/p/plan.toml'],
      '/w',
    );
    expect(ctx).toMatchObject({ layersDir: '/L', platformDir: dir, planPath: '/P' });
  });

  it('without CNB_TARGET_* uses the host, with x64 called amd64', () => {
    const ctx = buildContext({ CNB_BUILDPACK_DIR: '/b' }, ['/l', platform({}), '/p'], '/w');
    expect(ctx.target).toEqual({ os: process.platform, arch: process.arch === 'x64' ? 'amd64' : process.arch });
  });
});
