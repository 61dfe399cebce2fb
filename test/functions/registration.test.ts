/**
 * Proves that registering with Azure produces the bindings the Functions host expects.
 * `@azure/functions-core` only exists inside a real Functions worker; here a stand-in module
 * records what the real `@azure/functions` package hands to it (the worker does the same).
 */
const registered: { metadata: { name: string; bindings: Record<string, Record<string, unknown>> }; callback: unknown }[] = [];

jest.mock(
  '@azure/functions-core',
  () => ({
    registerFunction: (metadata: never, callback: unknown) => {
      registered.push({ metadata, callback });
      return { dispose: () => undefined };
    },
    setProgrammingModel: () => undefined,
    registerHook: () => ({ dispose: () => undefined }),
    getProgrammingModel: () => undefined,
  }),
  { virtual: true },
);

import { registerWithAzure } from '../../src/functions/register';
import type { FunctionDefinition } from '../../src/functions/definition';
import { functionDefinitions } from '../../src/functions/registry';
import { lazyRuntime } from '../../src/functions/runtimeSource';
import { loadSettings } from '../../src/shared/config/settings';

const handler = async () => undefined;

describe('Azure registration', () => {
  beforeEach(() => registered.splice(0));

  it('turns each kind of definition into the host binding it expects', () => {
    const defs: FunctionDefinition[] = [
      {
        name: 'b',
        summary: '',
        handler,
        trigger: { type: 'blob', path: 'raw-logs/{name}', connection: 'TUNELOOP_STORAGE', source: 'EventGrid' },
      },
      { name: 'q', summary: '', handler, trigger: { type: 'storageQueue', queueName: 'jobs', connection: 'TUNELOOP_STORAGE' } },
      { name: 's', summary: '', handler, trigger: { type: 'serviceBusQueue', queueName: 'jobs', connection: 'TUNELOOP_SERVICEBUS' } },
      { name: 't', summary: '', handler, trigger: { type: 'timer', schedule: '%TUNELOOP_RETRAIN_SCHEDULE%' } },
    ];
    registerWithAzure(defs);
    const byName = Object.fromEntries(registered.map((r) => [r.metadata.name, Object.values(r.metadata.bindings)[0]]));
    expect(byName.b).toMatchObject({
      type: 'blobTrigger',
      direction: 'in',
      path: 'raw-logs/{name}',
      connection: 'TUNELOOP_STORAGE',
      source: 'EventGrid',
      // Deferred binding: the host sends a reference instead of the blob's bytes.
      properties: { supportsDeferredBinding: 'true' },
    });
    expect(byName.q).toMatchObject({ type: 'queueTrigger', direction: 'in', queueName: 'jobs', connection: 'TUNELOOP_STORAGE' });
    expect(byName.s).toMatchObject({ type: 'serviceBusTrigger', direction: 'in', queueName: 'jobs', connection: 'TUNELOOP_SERVICEBUS' });
    expect(byName.t).toMatchObject({ type: 'timerTrigger', direction: 'in', schedule: '%TUNELOOP_RETRAIN_SCHEDULE%', runOnStartup: false });
    expect(registered.every((r) => typeof r.callback === 'function')).toBe(true);
  });

  it('registers every function of the registry when the worker loads the main entry, each once', () => {
    const env = { ...process.env };
    process.env.TUNELOOP_STORAGE = 'UseDevelopmentStorage=true';
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules loads synchronously in a fresh registry
      jest.isolateModules(() => require('../../src/functions/index'));
    } finally {
      process.env = env;
    }
    const defs = functionDefinitions(loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' }), lazyRuntime());
    expect(registered.map((r) => r.metadata.name).sort()).toEqual(defs.map((d) => d.name).sort());
    expect(new Set(defs.map((d) => d.name)).size).toBe(defs.length);
  });
});
