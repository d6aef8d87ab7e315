// Types of settings-table.mjs, for the unit test that imports it.
export interface Configuration {
  name: string;
  default: string;
  description: string;
}
export const START: string;
export const END: string;
export function cell(text: string): string;
export function settingsTable(configurations: Configuration[]): string;
export function configurationsOf(buildpackToml: string): Configuration[];
export function withSettingsTable(readme: string, table: string): string;
