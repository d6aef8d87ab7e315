// The I/O edge of dependency redirection: reads the bindings and the offline
// copy, then lets the pure rules in redirect.ts choose.
import { bindingsRoot, readBindings } from '../cnb/bindings';
import type { Env } from '../settings/settings';
import { findOfflineCopy } from './offline';
import { chooseSource, MAPPING_BINDING_TYPE, MIRROR_BINDING_TYPE, redirection, type Source } from './redirect';

export interface Locator {
  /** Bindings that could not be read, for the build log. */
  problems: string[];
  locate(dependency: { uri: string; sha256: string }): Promise<Source>;
}

/** Reads and validates the configuration now, so a bad one fails before any layer is touched. */
export function dependencyLocator(input: { env: Env; platformDir: string; buildpackDir: string }): Locator {
  const read = readBindings(bindingsRoot(input.env, input.platformDir), [MIRROR_BINDING_TYPE, MAPPING_BINDING_TYPE]);
  const redirect = redirection(input.env, read.bindings);
  return {
    problems: read.problems,
    locate: async (dependency) => chooseSource(dependency, redirect, await findOfflineCopy(input.buildpackDir, dependency)),
  };
}
