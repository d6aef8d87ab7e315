// The build plan bin/detect writes to CNB_BUILD_PLAN_PATH: a first alternative
// at the top level and further ones under [[or]]. An alternative that neither
// provides nor requires anything is legal and lets a group pass without us.
import { renderToml, type TomlTable } from './toml-file';

export interface Require {
  name: string;
  metadata?: TomlTable;
}

export interface PlanAlternative {
  provides: string[];
  requires: Require[];
}

export type BuildPlan = [PlanAlternative, ...PlanAlternative[]];

function alternativeTable(alternative: PlanAlternative): TomlTable {
  const table: TomlTable = {};
  if (alternative.provides.length > 0) table.provides = alternative.provides.map((name) => ({ name }));
  if (alternative.requires.length > 0) {
    table.requires = alternative.requires.map((r) => (r.metadata ? { name: r.name, metadata: r.metadata } : { name: r.name }));
  }
  return table;
}

export function renderBuildPlan(plan: BuildPlan): string {
  const [first, ...rest] = plan;
  const table = alternativeTable(first);
  if (rest.length > 0) table.or = rest.map(alternativeTable);
  return renderToml(table);
}
