// npm run docs:settings: rewrites the settings table in README.md (between
// <!-- settings-table:start --> and <!-- settings-table:end -->) from
// buildpack.toml's [[metadata.configurations]]: name, default, description.
// `--check` only reports whether README.md is up to date (exit 1 if not).
//
// Descriptions are plain text with `code` spans: code spans are kept, and
// everything else that Markdown would interpret (<, *, _, [, |, ...) is escaped,
// so the table shows exactly what buildpack.toml says.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

export const START = '<!-- settings-table:start -->';
export const END = '<!-- settings-table:end -->';

/** Markdown for one cell: `code` spans as they are, the rest escaped; never a "|" that would end the cell. */
export function cell(text) {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part.replace(/\|/g, '\\|') : part.replace(/[\\*_<>[\]|]/g, (c) => `\\${c}`)))
    .join('');
}

/** The table for a list of { name, default, description }. */
export function settingsTable(configurations) {
  const rows = configurations.map((c) => `| \`${c.name}\` | ${c.default ? `\`${c.default}\`` : ''} | ${cell(c.description ?? '')} |`);
  return ['| Setting | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

/** buildpack.toml text -> its [[metadata.configurations]]. */
export function configurationsOf(buildpackToml) {
  const list = parse(buildpackToml).metadata?.configurations;
  if (!Array.isArray(list)) throw new Error('buildpack.toml has no [[metadata.configurations]]');
  return list.map((c, i) => {
    if (typeof c.name !== 'string' || c.name === '') throw new Error(`[[metadata.configurations]] #${i + 1} has no name`);
    return { name: c.name, default: typeof c.default === 'string' ? c.default : '', description: typeof c.description === 'string' ? c.description : '' };
  });
}

/** README text with the table between the markers replaced. */
export function withSettingsTable(readme, table) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${START} ... ${END}`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

async function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const readmeFile = path.join(root, 'README.md');
  const readme = await fs.readFile(readmeFile, 'utf8');
  const updated = withSettingsTable(readme, settingsTable(configurationsOf(await fs.readFile(path.join(root, 'buildpack.toml'), 'utf8'))));
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      process.stderr.write('README.md settings table differs from buildpack.toml: run npm run docs:settings\n');
      process.exit(1);
    }
    return;
  }
  if (updated !== readme) await fs.writeFile(readmeFile, updated);
  process.stdout.write(updated === readme ? 'README.md settings table is up to date\n' : 'README.md settings table rewritten from buildpack.toml\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`settings-table: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
