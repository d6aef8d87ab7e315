// Prints the benchmark table and rewrites BENCHMARKS.md: figures, machine,
// versions, how they were measured and how to reproduce. Goals that were
// missed are listed plainly with what limits them.
import { promises as fs } from 'node:fs';
import { ms } from './stats';

export interface Row {
  section: string;
  name: string;
  p50: string;
  p90?: string;
  min?: string;
  max?: string;
  extra?: string;
  goal?: string;
  /** undefined when the row has no goal. */
  met?: boolean;
}

export interface Report {
  rows: Row[];
  notes: string[];
  trials: number;
  quick: boolean;
  durationMs: number;
  machine: string;
  versions: Record<string, string>;
  python: { reloadP50: number; coldP50: number; noWindowP50: number };
  /** p50 of a `docker exec` of /bin/true, and of the sync helper doing nothing, in the same container. */
  startUp: { execP50: number; helperIdleP50: number };
}

const METHOD = `## How these were measured

- **Reload latency**: a container runs the image's default \`reload-web\` process (\`--network host\`). Each trial
  writes a new version through the sync helper exactly as Skaffold does (\`docker exec -i C tar xmf - -C / --no-same-owner\`,
  a stream written like Skaffold's by integration/streamgen) and polls \`GET /\` every 2 ms until it shows the new
  version; the time runs from just before the \`docker exec\` to that response. 400 ms pass between trials. The
  **cold start** beside it is the app's own start measured the same way: \`docker exec -d C /cnb/process/web\` on a fresh
  port to its first response. Overhead = reload p50 - cold-start p50: what live reload adds on top of starting the app.
- **Alternatives**: \`docker restart\` of a container running the plain \`web\` process, to its first response; and
  the naive loop: edit, \`pack build\` (warm, same builder and buildpacks), replace the container, first response with
  the new version.
- **Restarts per sync**: Tilt-style syncs (\`rm -rf\` then \`tar -C / -x -f -\`), counted from the app's own start-up lines.
- **Sync helper vs GNU tar**: the same Skaffold-style stream, extracted into a fresh directory under /tmp (not watched,
  so no restart) by the image's \`tar\` process type (our helper) and by \`/bin/tar\`, alternating which goes first.
  Beside them, the start-up floor: a \`docker exec\` of \`/bin/true\` and of the helper doing nothing (no role: usage, exit 2).
- **Buildpack cost**: the built executable run as the lifecycle runs it, under GNU \`time\` (wall time, peak RSS).
  Cold = download from a loopback HTTP server, verify, extract, copy the helper; warm = the lifecycle's restored
  layer metadata only, both layers reused. Whole \`pack build\`s of the sample app through two builders made with
  \`pack builder create\` from the same images and lifecycle, one with this buildpack in the group (after the test-only
  Procfile buildpack, optional) and one without; cold = no previous image, warm = rebuild of the same image. The
  \`--buildpack\` form is shown too: there pack adds the buildpack to an ephemeral builder on every build.
- Timings are medians (p50) with p90, min and max over the trials; comparisons are ratios within this one run on a
  shared 2-core machine, where other jobs add noise. Nothing here is asserted by the test suite.

## Reproduce

\`\`\`sh
npm run bench            # builds, provisions, runs everything (about 15-25 minutes), rewrites this file
npm run bench -- --quick # 5 trials per measurement, for a quick look
\`\`\`
`;

function table(rows: Row[]): string {
  const lines = ['| Measurement | p50 | p90 | min | max | | Goal |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const goal = r.goal === undefined ? '' : `${r.goal}: ${r.met ? '**met**' : '**missed**'}`;
    lines.push(`| ${r.name} | ${r.p50} | ${r.p90 ?? ''} | ${r.min ?? ''} | ${r.max ?? ''} | ${r.extra ?? ''} | ${goal} |`);
  }
  return lines.join('\n');
}

/** What limits each missed goal, and what would change it: written from the measured figures. */
function missedGoals(report: Report): string[] {
  const out: string[] = [];
  for (const r of report.rows.filter((row) => row.met === false)) {
    if (r.section.startsWith('1.')) {
      out.push(
        `- **${r.name}: ${r.goal}.** Of the ${ms(report.python.reloadP50)} p50, the app's own cold start is ` +
          `${ms(report.python.coldP50)}; most of the rest is the sync window (BP_LIVE_RELOAD_SYNC_WINDOW, 300 ms by default): ` +
          `after a Skaffold copy the app waits that long for Skaffold's delete command of the same sync, so that a sync ` +
          `with deletes still restarts the app once. With the window at 0 the p50 is ${ms(report.python.noWindowP50)}, ` +
          `at the price of two restarts for a Skaffold sync that both copies and deletes. The rest is \`docker exec\`, the ` +
          `helper's start (a Node executable: ${ms(report.startUp.helperIdleP50 - report.startUp.execP50)} over a bare ` +
          `\`docker exec\`), the debounce (50 ms) and the gate's start.`,
      );
    } else if (r.section.startsWith('4.')) {
      const { execP50, helperIdleP50 } = report.startUp;
      const startUp =
        `the helper is a Node single executable: a \`docker exec\` of it doing nothing takes ${ms(helperIdleP50)} (p50), ` +
        `where one of \`/bin/true\` takes ${ms(execP50)}, so Node's start-up alone costs about ` +
        `${ms(helperIdleP50 - execP50)} per sync command, and GNU tar starts in about 1 ms`;
      out.push(
        r.name.startsWith('1 file')
          ? `- **${r.name}: ${r.goal}** (${r.extra}). For one small file the run is all start-up: ${startUp}. ` +
              `Only a native helper would close this gap.`
          : `- **${r.name}: ${r.goal}** (${r.extra}). Beside the start-up (${startUp}), the helper writes every file ` +
              `beside its target and renames it into place, one more directory operation per file than GNU tar, so ` +
              `that no reader ever sees a partial file. This row varies the most between runs on this shared machine; ` +
              `compare the min columns too.`,
      );
    } else if (r.name.startsWith('pack build')) {
      const cold = r.name.includes('cold');
      out.push(
        `- **${r.name}: ${r.goal}** (measured ${r.p50}, ${r.extra}). With live reload on, the image gains two launch ` +
          `layers: watchexec (about 11 MiB) and the sync helper (the 105 MiB single executable). ` +
          (cold
            ? `On a cold build the exporter tars, hashes and hands both to the Docker daemon. `
            : `On a warm build both are reused, but with the Docker daemon as the export target the exporter still ` +
              `reads a reused layer back from the previous image (\`pack build --timestamps -v\` shows the time spent on ` +
              `"Reusing layer 'livereload/watchexec:sync-helper'"). `) +
          `Live reload off costs nothing measurable. The helper's size is Node's: a smaller helper (a native binary, ` +
          `or Node shared with the app image) would cut this; publishing to a registry instead of the daemon avoids ` +
          `moving reused layers at all.`,
      );
    } else {
      out.push(`- **${r.name}: ${r.goal}** (measured ${r.p50}${r.extra ? `, ${r.extra}` : ''}).`);
    }
  }
  return out;
}

export async function writeReport(report: Report, file: string, print: (line: string) => void): Promise<void> {
  const sections = [...new Set(report.rows.map((r) => r.section))];
  const body = sections.map((s) => `### ${s}\n\n${table(report.rows.filter((r) => r.section === s))}`).join('\n\n');
  const missed = missedGoals(report);
  const md = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} in ${ms(report.durationMs)}` +
      `, ${report.trials} trials per measurement${report.quick ? ' (quick run)' : ''}.`,
    '',
    `- Machine: ${report.machine}`,
    `- Versions: ${Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    '',
    body,
    '',
    '## Goals missed',
    '',
    missed.length > 0 ? missed.join('\n') : 'None in this run.',
    ...(report.notes.length > 0 ? ['', '## Notes', '', ...report.notes.map((n) => `- ${n}`)] : []),
    '',
    METHOD,
  ].join('\n');
  await fs.writeFile(file, md);
  print('');
  print(body);
  print('');
  print(missed.length > 0 ? `Goals missed:\n${missed.join('\n')}` : 'All goals met.');
  print(`\nWrote ${file}`);
}
