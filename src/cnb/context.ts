// What the lifecycle hands bin/detect and bin/build: directories and target
// from the environment (positional arguments as a fallback), and the user's
// settings from <platform>/env, which win over the process environment.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../settings/settings';

export interface Target {
  os: string;
  arch: string;
}

export interface DetectContext {
  appDir: string;
  buildpackDir: string;
  platformDir: string;
  buildPlanPath: string;
  target: Target;
  env: Env;
}

export interface BuildContext {
  appDir: string;
  buildpackDir: string;
  platformDir: string;
  planPath: string;
  layersDir: string;
  target: Target;
  env: Env;
}

type ProcessEnv = Readonly<Record<string, string | undefined>>;

function required(env: ProcessEnv, name: string, positional: string | undefined): string {
  const value = env[name] ?? positional;
  if (!value) throw new Error(`${name} is not set: bin/detect and bin/build must be run by a CNB lifecycle`);
  return value;
}

function hostArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}

function target(env: ProcessEnv): Target {
  return { os: env.CNB_TARGET_OS || process.platform, arch: env.CNB_TARGET_ARCH || hostArch() };
}

/** BP_* values from <platform>/env/<NAME> files, used verbatim as the spec says. */
export function platformEnv(platformDir: string): Record<string, string> {
  const dir = path.join(platformDir, 'env');
  const values: Record<string, string> = {};
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return values;
  }
  for (const name of names) {
    if (!name.startsWith('BP_')) continue;
    try {
      values[name] = readFileSync(path.join(dir, name), 'utf8');
    } catch {
      // A directory or unreadable entry is not a setting.
    }
  }
  return values;
}

function userEnv(env: ProcessEnv, platformDir: string): Env {
  return { ...env, ...platformEnv(platformDir) };
}

export function detectContext(env: ProcessEnv, argv: readonly string[], cwd: string): DetectContext {
  const platformDir = required(env, 'CNB_PLATFORM_DIR', argv[0]);
  return {
    appDir: cwd,
    buildpackDir: required(env, 'CNB_BUILDPACK_DIR', undefined),
    platformDir,
    buildPlanPath: required(env, 'CNB_BUILD_PLAN_PATH', argv[1]),
    target: target(env),
    env: userEnv(env, platformDir),
  };
}

export function buildContext(env: ProcessEnv, argv: readonly string[], cwd: string): BuildContext {
  const platformDir = required(env, 'CNB_PLATFORM_DIR', argv[1]);
  return {
    appDir: cwd,
    buildpackDir: required(env, 'CNB_BUILDPACK_DIR', undefined),
    platformDir,
    planPath: required(env, 'CNB_BP_PLAN_PATH', argv[2]),
    layersDir: required(env, 'CNB_LAYERS_DIR', argv[0]),
    target: target(env),
    env: userEnv(env, platformDir),
  };
}
