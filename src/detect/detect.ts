// bin/detect: always offers `watchexec`. With live reload on, it also requires
// it for launch; with it off, a second, empty alternative lets the group pass
// without us when nobody else requires watchexec.
import type { BuildPlan } from '../cnb/build-plan';
import type { Target } from '../cnb/context';
import { DEPENDENCY_NAME } from '../build/plan-request';
import type { Env } from '../settings/settings';
import { readEnabled } from '../settings/settings';

export const SUPPORTED_TARGETS: readonly Target[] = [
  { os: 'linux', arch: 'amd64' },
  { os: 'linux', arch: 'arm64' },
];

export type DetectResult = { pass: true; plan: BuildPlan; enabled: boolean } | { pass: false; reason: string };

export function detect(env: Env, target: Target): DetectResult {
  const enabled = readEnabled(env);
  if (!SUPPORTED_TARGETS.some((t) => t.os === target.os && t.arch === target.arch)) {
    const supported = SUPPORTED_TARGETS.map((t) => `${t.os}/${t.arch}`).join(', ');
    return { pass: false, reason: `target ${target.os}/${target.arch} is not supported (supported: ${supported})` };
  }
  if (enabled) {
    return {
      pass: true,
      enabled,
      plan: [{ provides: [DEPENDENCY_NAME], requires: [{ name: DEPENDENCY_NAME, metadata: { launch: true } }] }],
    };
  }
  return { pass: true, enabled, plan: [{ provides: [DEPENDENCY_NAME], requires: [] }, { provides: [], requires: [] }] };
}
