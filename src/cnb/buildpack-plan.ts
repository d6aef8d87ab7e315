// The buildpack plan bin/build reads from CNB_BP_PLAN_PATH: one [[entries]] per
// requirement that this buildpack's provides satisfied.
import { BuildpackError } from '../errors';
import { isTable, parseToml, type TomlTable } from './toml-file';

export interface PlanEntry {
  name: string;
  metadata: TomlTable;
}

export function parseBuildpackPlan(text: string, file: string): PlanEntry[] {
  const table = parseToml(text, file, 'plan');
  const entries = table.entries ?? [];
  if (!Array.isArray(entries)) {
    throw new BuildpackError('plan', `${file}: "entries" must be an array of tables ([[entries]])`);
  }
  return entries.map((entry, index) => {
    if (!isTable(entry) || typeof entry.name !== 'string' || entry.name === '') {
      throw new BuildpackError('plan', `${file}: entries[${index}] must be a table with a non-empty string "name"`);
    }
    const metadata = entry.metadata ?? {};
    if (!isTable(metadata)) {
      throw new BuildpackError('plan', `${file}: entries[${index}] (${entry.name}) has "metadata" that is not a table`);
    }
    return { name: entry.name, metadata };
  });
}
