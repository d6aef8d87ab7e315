// A Procfile at the app root: `type: command` lines. A command that uses shell
// features runs under `sh -c`; every other one runs directly, so shell-less
// run images can start it.
import { checkProcessType, type Process } from '../cnb/launch';
import { BuildpackError } from '../errors';
import { splitWords } from './words';

export interface ProcfileProcess extends Process {
  /** Why the command needs `sh -c`, empty when it runs directly. */
  shellFeatures: string[];
}

export function parseProcfile(text: string, file = 'Procfile'): ProcfileProcess[] {
  const processes: ProcfileProcess[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const where = `${file} line ${index + 1}`;
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const match = /^\s*([^:\s]+)\s*:(.*)$/.exec(line);
    if (!match) throw new BuildpackError('procfile', `${where}: expected "type: command", got ${JSON.stringify(line)}`);
    const type = match[1]!;
    const command = match[2]!.trim();
    checkProcessType(type, where, 'procfile');
    if (processes.some((p) => p.type === type)) throw new BuildpackError('procfile', `${where}: process type "${type}" is declared twice`);
    if (command === '') throw new BuildpackError('procfile', `${where}: process "${type}" has an empty command`);
    const split = splitWords(command);
    if (!split.ok) throw new BuildpackError('procfile', `${where}: cannot parse the command of "${type}": ${split.problem}`);
    const needsShell = split.shellFeatures.length > 0;
    processes.push({
      type,
      command: needsShell ? ['sh', '-c', command] : split.words,
      args: [],
      default: false,
      shellFeatures: split.shellFeatures,
    });
  });
  return processes;
}
