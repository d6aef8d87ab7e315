import { describe, expect, it } from 'vitest';
import type { Process } from '../cnb/launch';
import type { ProcfileProcess } from './procfile';
import { chooseProcesses } from './sources';

const planWeb: Process = { type: 'web', command: ['node', 'server.js'], args: ['--port', '8080'], default: true, workingDir: '/workspace/app' };
const procfile: ProcfileProcess[] = [
  { type: 'web', command: ['node', 'app.js'], args: [], default: false, shellFeatures: [] },
  { type: 'worker', command: ['sh', '-c', 'a | b'], args: [], default: false, shellFeatures: ['| operator'] },
];
const command = ['python3', 'server.py'];

describe('chooseProcesses', () => {
  it('the plan beats BP_LIVE_RELOAD_COMMAND and the Procfile, enabled or not', () => {
    for (const enabled of [true, false]) {
      expect(chooseProcesses({ fromPlan: [planWeb], enabled, command, procfile })).toEqual({
        source: 'plan',
        processes: [planWeb],
        needShell: [],
      });
    }
  });

  it('BP_LIVE_RELOAD_COMMAND beats the Procfile and becomes a default web process', () => {
    expect(chooseProcesses({ fromPlan: [], enabled: true, command, procfile })).toEqual({
      source: 'BP_LIVE_RELOAD_COMMAND',
      processes: [{ type: 'web', command: ['python3', 'server.py'], args: [], default: true }],
      needShell: [],
    });
  });

  it('the Procfile is used last, without shellFeatures, listing the processes that need a shell', () => {
    expect(chooseProcesses({ fromPlan: [], enabled: true, command: undefined, procfile })).toEqual({
      source: 'Procfile',
      processes: [
        { type: 'web', command: ['node', 'app.js'], args: [], default: false },
        { type: 'worker', command: ['sh', '-c', 'a | b'], args: [], default: false },
      ],
      needShell: [{ type: 'worker', features: ['| operator'] }],
    });
  });

  it.each([
    ['no Procfile', undefined],
    ['an empty Procfile', []],
  ])('nothing to reload with %s and no command', (_, file) => {
    expect(chooseProcesses({ fromPlan: [], enabled: true, command: undefined, procfile: file })).toEqual({
      source: 'none',
      processes: [],
      needShell: [],
    });
  });

  it('takes nothing from the command or the Procfile when live reload is not enabled', () => {
    expect(chooseProcesses({ fromPlan: [], enabled: false, command, procfile })).toEqual({ source: 'none', processes: [], needShell: [] });
  });

  it('copies the command rather than sharing it', () => {
    const argv = ['node', 'a.js'];
    const chosen = chooseProcesses({ fromPlan: [], enabled: true, command: argv, procfile: undefined });
    expect(chosen.processes[0]!.command).not.toBe(argv);
    expect(chosen.processes[0]!.command).toEqual(argv);
  });
});
