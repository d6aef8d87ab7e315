// npm run demo: build the Python sample app with this buildpack, run it, sync
// a change exactly as Skaffold does, and show the reload. (Run through
// scripts/run-ts.mjs after `npm run build` and `npm run provision`.)
import path from 'node:path';
import { copyApp, field, packBuild, provisioned, REPO, startContainer, testBuildpack, waitForResponse } from './harness';
import { skaffoldSync } from './sync';

const IMAGE = 'livereload-demo/python-web';

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<void> {
  const p = provisioned();
  const app = await copyApp('python-web');
  say(`==> pack build ${IMAGE} -e BP_LIVE_RELOAD_ENABLED=true (pack ${p.PACK}, builder ${p.BUILDER})`);
  const started = performance.now();
  const build = await packBuild(p, {
    image: IMAGE,
    app,
    buildpacks: [path.join(REPO, 'integration', 'buildpacks', 'procfile'), await testBuildpack(p)],
    env: { BP_LIVE_RELOAD_ENABLED: 'true' },
  });
  if (build.exitCode !== 0) {
    process.stderr.write(build.log);
    throw new Error('pack build failed');
  }
  // This buildpack's part of the build log: from its title to the next lifecycle phase.
  const lines = build.log.split('\n');
  const first = lines.findIndex((line) => line.startsWith('Live Reload Buildpack'));
  const end = lines.findIndex((line, i) => i > first && line.startsWith('===>'));
  say(lines.slice(first, end).map((line) => `    ${line}`).join('\n'));
  say(`==> built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const container = await startContainer(IMAGE);
  try {
    const before = await waitForResponse(container.port, (body) => field(body, 'version') !== undefined);
    say(`==> running ${container.id.slice(0, 12)} on http://127.0.0.1:${container.port}/`);
    say(`    before: version=${field(before.body, 'version')} pid=${field(before.body, 'pid')}`);
    say('==> syncing VERSION=v2 into /workspace as Skaffold does: docker exec -i C tar xmf - -C / --no-same-owner');
    const syncStart = performance.now();
    const sync = await skaffoldSync(container, { VERSION: 'v2\n' });
    if (sync.exitCode !== 0) throw new Error(`sync failed: ${sync.stderr}`);
    const after = await waitForResponse(container.port, (body) => field(body, 'version') === 'v2', 15_000, 5);
    const ms = performance.now() - syncStart;
    say(`    after:  version=${field(after.body, 'version')} pid=${field(after.body, 'pid')}`);
    say(`==> reloaded in ${Math.round(ms)} ms (from the start of the sync to the first response with the new version)`);
  } finally {
    await container.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
