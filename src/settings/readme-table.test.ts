// README.md's settings table is generated from buildpack.toml (npm run docs:settings).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cell, configurationsOf, END, settingsTable, START, withSettingsTable } from '../../scripts/settings-table.mjs';

const read = (file: string) => readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), 'utf8');

describe('the README settings table', () => {
  const readme = read('README.md');
  const configurations = configurationsOf(read('buildpack.toml'));

  it('is what buildpack.toml [[metadata.configurations]] generates (run npm run docs:settings after changing either)', () => {
    expect(withSettingsTable(readme, settingsTable(configurations))).toBe(readme);
  });

  it('has one row per setting, in buildpack.toml order, between the markers under "## Configuration"', () => {
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## How it works'));
    const table = section.slice(section.indexOf(START), section.indexOf(END));
    const names = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(names).toEqual(configurations.map((c) => c.name));
    expect(names.length).toBeGreaterThan(10);
  });
});

describe('settingsTable', () => {
  it('renders name and default as code, an empty default as an empty cell', () => {
    expect(settingsTable([
      { name: 'BP_A', default: 'x', description: 'A.' },
      { name: 'BP_B', default: '', description: 'B.' },
    ])).toBe('| Setting | Default | Meaning |\n|---|---|---|\n| `BP_A` | `x` | A. |\n| `BP_B` |  | B. |');
  });

  it('keeps code spans and escapes what Markdown would otherwise interpret', () => {
    expect(cell('write `reload-<type>` types')).toBe('write `reload-<type>` types');
    expect(cell('write reload-<type> for *.log | BP_X_<HOST> [x]')).toBe('write reload-\\<type\\> for \\*.log \\| BP\\_X\\_\\<HOST\\> \\[x\\]');
    expect(cell('`a|b`')).toBe('`a\\|b`');
    expect(cell('two\n  lines')).toBe('two lines');
  });
});

describe('withSettingsTable', () => {
  it('replaces only what is between the markers', () => {
    const text = `before\n${START}\nold\n${END}\nafter\n`;
    expect(withSettingsTable(text, 'new')).toBe(`before\n${START}\nnew\n${END}\nafter\n`);
  });

  it('refuses a README without the markers', () => {
    expect(() => withSettingsTable('no markers', 't')).toThrow(/markers/);
  });
});
