import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../errors';
import { parseBuildpackPlan } from './buildpack-plan';

function planError(text: string): BuildpackError {
  try {
    parseBuildpackPlan(text, '/cnb/plan.toml');
  } catch (error) {
    expect(error).toBeInstanceOf(BuildpackError);
    expect((error as BuildpackError).kind).toBe('plan');
    return error as BuildpackError;
  }
  throw new Error('expected a BuildpackError, nothing was thrown');
}

describe('parseBuildpackPlan', () => {
  it('reads entries with and without metadata, in order', () => {
    const text = `[[entries]]
name = "watchexec"
[entries.metadata]
launch = true
version = "2.*"

[[entries]]
name = "node"
`;
    expect(parseBuildpackPlan(text, 'plan.toml')).toEqual([
      { name: 'watchexec', metadata: { launch: true, version: '2.*' } },
      { name: 'node', metadata: {} },
    ]);
  });

  it.each(['', '# nothing\n', 'other = 1\n'])('%j has no entries', (text) => {
    expect(parseBuildpackPlan(text, 'plan.toml')).toEqual([]);
  });

  it('refuses text that is not TOML, naming the file and the position', () => {
    const error = planError('[[entries]]\nname = watchexec\n');
    expect(error.message).toMatch(/^\/cnb\/plan\.toml is not valid TOML at line 2, column \d+: /);
    expect(error.message).not.toContain('\n');
    expect(error.cause).toBeDefined();
  });

  it.each([
    ['entries = "watchexec"', '/cnb/plan.toml: "entries" must be an array of tables ([[entries]])'],
    ['[entries]\nname = "watchexec"', '/cnb/plan.toml: "entries" must be an array of tables ([[entries]])'],
    ['[[entries]]\n[entries.metadata]\nlaunch = true', '/cnb/plan.toml: entries[0] must be a table with a non-empty string "name"'],
    ['[[entries]]\nname = "a"\n[[entries]]\nname = ""', '/cnb/plan.toml: entries[1] must be a table with a non-empty string "name"'],
    ['[[entries]]\nname = 3', '/cnb/plan.toml: entries[0] must be a table with a non-empty string "name"'],
    ['entries = ["watchexec"]', '/cnb/plan.toml: entries[0] must be a table with a non-empty string "name"'],
    ['[[entries]]\nname = "watchexec"\nmetadata = "launch"', '/cnb/plan.toml: entries[0] (watchexec) has "metadata" that is not a table'],
    ['[[entries]]\nname = "watchexec"\nmetadata = [1]', '/cnb/plan.toml: entries[0] (watchexec) has "metadata" that is not a table'],
  ])('refuses %j', (text, message) => {
    expect(planError(text).message).toBe(message);
  });
});
