import type { Runtime } from '../shared/composition/runtime';

/**
 * How a handler gets its runtime: asked on every invocation, so the Azure entry can build it on
 * the first one (cold start loads no domain code) and the local host and tests can hand over the
 * one they built. Function definitions take one; there is no global runtime.
 */
export type RuntimeSource = () => Promise<Runtime>;

/**
 * The Azure entry's source: the runtime is built from the app settings on the first invocation
 * and kept for the next ones. A failure (a wrong setting) is not kept: it fails that invocation
 * with the settings' message, and the next invocation tries again.
 */
export function lazyRuntime(): RuntimeSource {
  let built: Promise<Runtime> | undefined;
  return () => {
    built ??= import('../shared/composition/runtime')
      .then(({ runtimeFromEnvironment }) => runtimeFromEnvironment())
      .catch((err: unknown) => {
        built = undefined;
        throw err;
      });
    return built;
  };
}

/** A runtime built by the caller (local host, CLI, tests). */
export function givenRuntime(runtime: Runtime): RuntimeSource {
  return () => Promise.resolve(runtime);
}
