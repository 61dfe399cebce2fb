import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import { driftWatch, driftWatchHandler } from '../../src/functions/driftWatch';
import { functionDefinitions } from '../../src/functions/registry';
import { loadSettings } from '../../src/shared/config/settings';
import { createRuntime } from '../../src/shared/composition/runtime';
import { givenRuntime, lazyRuntime } from '../../src/functions/runtimeSource';
import { listDriftRuns } from '../../src/shared/drift/decisionStore';
import { LocalJsonlTelemetry } from '../../src/shared/telemetry/localSink';
import { LocalEventSink } from '../../src/shared/telemetry/events';
import { startPrivateAzurite } from '../setup/storage';
import { coffeeConversations, writeShard } from '../shared/drift/fixtures';

describe('driftWatch function', () => {
  it('is registered as a timer on TUNELOOP_DRIFT_SCHEDULE (hourly by default)', () => {
    const defaults = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true' });
    const def = functionDefinitions(defaults, lazyRuntime()).find((d) => d.name === 'driftWatch');
    expect(def?.trigger).toEqual({ type: 'timer', schedule: '0 0 * * * *' });
    const nightly = loadSettings({ TUNELOOP_STORAGE: 'UseDevelopmentStorage=true', TUNELOOP_DRIFT_SCHEDULE: '0 30 1 * * *' });
    expect(driftWatch(nightly, lazyRuntime()).trigger).toEqual({ type: 'timer', schedule: '0 30 1 * * *' });
  });

  it('runs drift through the composition root and logs the outcome', async () => {
    const azurite = await startPrivateAzurite();
    const dir = await mkdtemp(join(tmpdir(), 'tuneloop-driftwatch-'));
    try {
      const settings = loadSettings({ TUNELOOP_STORAGE: azurite.connectionString, TUNELOOP_LOCAL_DIR: dir });
      const runtime = givenRuntime(
        createRuntime(settings, {
          storage: azurite.storage,
          telemetry: new LocalJsonlTelemetry({ path: join(dir, 't.jsonl') }),
          events: new LocalEventSink(join(dir, 'e.jsonl')),
        }),
      );
      await writeShard(azurite.storage, 'x.jsonl/1.jsonl', coffeeConversations(35, 'x'));
      const logs: string[] = [];
      const context = new InvocationContext({
        functionName: 'driftWatch',
        invocationId: 'test-1',
        logHandler: (_level, ...args) => logs.push(args.join(' ')),
      });
      const result = (await driftWatchHandler(runtime)({ isPastDue: false }, context)) as { decision: { kind: string } };
      expect(result.decision.kind).toBe('insufficient-data');
      expect(logs.join('\n')).toMatch(/35 recent vs 0 reference conversations \(none\); no score; decision insufficient-data/);
      expect(await listDriftRuns(azurite.storage)).toHaveLength(1);
    } finally {
      await azurite.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
