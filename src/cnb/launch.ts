// launch.toml: the process types the exported image offers.
import { BuildpackError } from '../errors';
import { renderToml, type TomlTable } from './toml-file';

export interface Process {
  type: string;
  /** argv; command[1:] survives user arguments, `args` are defaults the user may replace. */
  command: string[];
  args: string[];
  default: boolean;
  workingDir?: string;
}

const PROCESS_TYPE = /^[A-Za-z0-9._-]+$/;

/**
 * Type names the spec allows: letters, digits, `.`, `_` and `-`; but not `.` or `..`, which the
 * exporter would write as /cnb/process/. and /cnb/process/.. (the directory and its parent).
 */
export function checkProcessType(type: string, source: string, kind: 'procfile' | 'plan'): void {
  if (type === '.' || type === '..') {
    throw new BuildpackError(kind, `${source}: process type ${JSON.stringify(type)} is not allowed; it cannot be a file name in /cnb/process`);
  }
  if (!PROCESS_TYPE.test(type)) {
    throw new BuildpackError(
      kind,
      `${source}: process type ${JSON.stringify(type)} is not allowed; use letters, digits, ".", "_" and "-" only`,
    );
  }
}

export function renderLaunchToml(processes: readonly Process[]): string {
  const table: TomlTable = {
    processes: processes.map((p) => {
      const process: TomlTable = { type: p.type, command: p.command, args: p.args, default: p.default };
      if (p.workingDir !== undefined) process['working-dir'] = p.workingDir;
      return process;
    }),
  };
  return renderToml(table);
}
