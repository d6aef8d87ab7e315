// The single executable behind bin/detect and bin/build. It picks its role
// from the name it was invoked by (argv0), or from its first argument.
// Each role's modules are imported only when that role runs: the in-image
// roles (tar, rm, gate) start on every sync and restart, and should not pay
// for the HTTP client or the xz decoder that only a cold build needs.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isBuildpackError } from './errors';
import type { CommandIO } from './sync/session';

const STDIO: CommandIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

const ROLES = ['detect', 'build', 'gate', 'tar', 'rm'] as const;
type Role = (typeof ROLES)[number];

const DETECT_FAIL = 100;
const ERROR = 1;

function pickRole(argv0: string, args: readonly string[]): { role: Role; args: readonly string[] } | undefined {
  const invoked = path.basename(argv0);
  if ((ROLES as readonly string[]).includes(invoked)) return { role: invoked as Role, args };
  const first = args[0];
  if (first !== undefined && (ROLES as readonly string[]).includes(first)) return { role: first as Role, args: args.slice(1) };
  return undefined;
}

async function runDetect(args: readonly string[]): Promise<number> {
  const [{ detectContext }, { detect }, { renderBuildPlan }] = await Promise.all([
    import('./cnb/context'),
    import('./detect/detect'),
    import('./cnb/build-plan'),
  ]);
  const ctx = detectContext(process.env, args, process.cwd());
  const result = detect(ctx.env, ctx.target);
  if (!result.pass) {
    console.log(`livereload/watchexec: ${result.reason}`);
    return DETECT_FAIL;
  }
  await fs.writeFile(ctx.buildPlanPath, renderBuildPlan(result.plan));
  console.log(result.enabled ? 'Live reload enabled: requiring watchexec for launch' : 'Live reload off: providing watchexec to any buildpack that requires it');
  return 0;
}

async function runBuild(args: readonly string[]): Promise<number> {
  const [{ buildContext }, { build }, { createLogger }, { readLogLevel }] = await Promise.all([
    import('./cnb/context'),
    import('./build/build'),
    import('./log/logger'),
    import('./settings/settings'),
  ]);
  const ctx = buildContext(process.env, args, process.cwd());
  let level: 'INFO' | 'DEBUG' = 'INFO';
  try {
    level = readLogLevel(ctx.env);
  } catch {
    // readSettings reports the bad value as the build's error.
  }
  await build(ctx, createLogger((line) => process.stdout.write(`${line}\n`), level));
  return 0;
}

export async function main(argv0: string, args: readonly string[]): Promise<number> {
  const picked = pickRole(argv0, args);
  if (!picked) {
    process.stderr.write(`usage: invoke as bin/detect or bin/build (got ${JSON.stringify(path.basename(argv0))}), or pass a role as the first argument: ${ROLES.join(', ')}\n`);
    return 2;
  }
  try {
    switch (picked.role) {
      case 'detect':
        return await runDetect(picked.args);
      case 'build':
        return await runBuild(picked.args);
      case 'gate':
        return await (await import('./sync/gate')).runGate(picked.args, process.stderr);
      case 'tar': {
        const [{ runTar }, { fileSession }] = await Promise.all([import('./sync/tar-command'), import('./sync/state')]);
        return await runTar(picked.args, STDIO, fileSession());
      }
      case 'rm': {
        const [{ runRm }, { fileSession }] = await Promise.all([import('./sync/rm-command'), import('./sync/state')]);
        return await runRm(picked.args, STDIO, fileSession());
      }
    }
  } catch (error) {
    if (isBuildpackError(error)) {
      process.stderr.write(`\nERROR: ${error.message}\n`);
    } else {
      process.stderr.write(`\nERROR (unexpected, please report): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    return ERROR;
  }
}
