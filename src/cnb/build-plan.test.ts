import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { renderBuildPlan } from './build-plan';

describe('renderBuildPlan', () => {
  it('renders the primary alternative at the top level', () => {
    const text = renderBuildPlan([{ provides: ['watchexec'], requires: [{ name: 'watchexec', metadata: { launch: true } }] }]);
    expect(text).toBe('[[provides]]\nname = "watchexec"\n\n[[requires]]\nname = "watchexec"\n\n[requires.metadata]\nlaunch = true\n\n');
    expect(parse(text)).toEqual({ provides: [{ name: 'watchexec' }], requires: [{ name: 'watchexec', metadata: { launch: true } }] });
  });

  it('renders further alternatives under [[or]], keeping the empty one', () => {
    const text = renderBuildPlan([{ provides: ['watchexec'], requires: [] }, { provides: [], requires: [] }]);
    expect(text).toBe('[[provides]]\nname = "watchexec"\n\n[[or]]\n\n');
    expect(parse(text)).toEqual({ provides: [{ name: 'watchexec' }], or: [{}] });
  });

  it('writes a require without metadata as a bare name and never a top-level version', () => {
    const text = renderBuildPlan([
      { provides: [], requires: [{ name: 'node' }] },
      { provides: ['a', 'b'], requires: [{ name: 'a', metadata: { version: '2.*', build: true } }] },
    ]);
    expect(parse(text)).toEqual({
      requires: [{ name: 'node' }],
      or: [{ provides: [{ name: 'a' }, { name: 'b' }], requires: [{ name: 'a', metadata: { version: '2.*', build: true } }] }],
    });
  });

  it('an alternative with neither provides nor requires is an empty table', () => {
    expect(parse(renderBuildPlan([{ provides: [], requires: [] }]))).toEqual({});
  });
});
