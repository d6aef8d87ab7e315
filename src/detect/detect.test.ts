import { describe, expect, it } from 'vitest';
import { renderBuildPlan } from '../cnb/build-plan';
import { BuildpackError } from '../errors';
import { detect, SUPPORTED_TARGETS } from './detect';

const AMD64 = { os: 'linux', arch: 'amd64' };

describe('detect', () => {
  it.each(['true', 'TRUE', '1', 'yes'])('BP_LIVE_RELOAD_ENABLED=%s requires watchexec for launch', (value) => {
    expect(detect({ BP_LIVE_RELOAD_ENABLED: value }, AMD64)).toEqual({
      pass: true,
      enabled: true,
      plan: [{ provides: ['watchexec'], requires: [{ name: 'watchexec', metadata: { launch: true } }] }],
    });
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['false', 'false'],
    ['0', '0'],
    ['No', 'No'],
  ])('%s: only provides watchexec, with an empty alternative so the group passes without us', (_, value) => {
    const result = detect({ BP_LIVE_RELOAD_ENABLED: value }, { os: 'linux', arch: 'arm64' });
    expect(result).toEqual({
      pass: true,
      enabled: false,
      plan: [
        { provides: ['watchexec'], requires: [] },
        { provides: [], requires: [] },
      ],
    });
    if (result.pass) expect(renderBuildPlan(result.plan)).toBe('[[provides]]\nname = "watchexec"\n\n[[or]]\n\n');
  });

  it.each(['on', 'enable', 'ture'])('an invalid BP_LIVE_RELOAD_ENABLED=%s is an error naming the accepted values', (value) => {
    let error: unknown;
    try {
      detect({ BP_LIVE_RELOAD_ENABLED: value }, AMD64);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('setting');
    expect((error as BuildpackError).message).toBe(
      `BP_LIVE_RELOAD_ENABLED="${value}" is not valid: expected one of true, false, 1, 0, yes, no (any case)`,
    );
  });

  it.each([
    ['linux', 'riscv64'],
    ['linux', 'x86_64'],
    ['windows', 'amd64'],
    ['darwin', 'arm64'],
  ])('fails on %s/%s, listing the supported targets', (os, arch) => {
    for (const enabled of ['true', 'false']) {
      expect(detect({ BP_LIVE_RELOAD_ENABLED: enabled }, { os, arch })).toEqual({
        pass: false,
        reason: `target ${os}/${arch} is not supported (supported: linux/amd64, linux/arm64)`,
      });
    }
  });

  it('supports exactly the targets buildpack.toml declares', () => {
    expect(SUPPORTED_TARGETS).toEqual([
      { os: 'linux', arch: 'amd64' },
      { os: 'linux', arch: 'arm64' },
    ]);
  });
});
