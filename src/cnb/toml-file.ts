// Reading and writing the spec's TOML files. Parse errors name the file;
// writes go to a sibling temporary file first so a reader never sees half a file.
import { promises as fs } from 'node:fs';
import { parse, stringify, TomlError } from 'smol-toml';
import { BuildpackError, describe, type ErrorKind } from '../errors';

export type TomlTable = Record<string, unknown>;

export function parseToml(text: string, file: string, kind: ErrorKind): TomlTable {
  try {
    return parse(text) as TomlTable;
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
    const first = describe(error).split('\n')[0];
    throw new BuildpackError(kind, `${file} is not valid TOML${where}: ${first}`, { cause: error });
  }
}

export async function readToml(file: string, kind: ErrorKind): Promise<TomlTable> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new BuildpackError('io', `cannot read ${file}: ${describe(error)}`, { cause: error });
  }
  return parseToml(text, file, kind);
}

/** Like readToml, but a missing file is `undefined` rather than an error. */
export async function readTomlIfExists(file: string, kind: ErrorKind): Promise<TomlTable | undefined> {
  try {
    return parseToml(await fs.readFile(file, 'utf8'), file, kind);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof BuildpackError) throw error;
    throw new BuildpackError('io', `cannot read ${file}: ${describe(error)}`, { cause: error });
  }
}

export function renderToml(table: TomlTable): string {
  return stringify(table) + '\n';
}

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    await fs.writeFile(temp, content);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw new BuildpackError('io', `cannot write ${file}: ${describe(error)}`, { cause: error });
  }
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
