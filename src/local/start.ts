import { relaunchWithMallocArenaLimit } from './mallocArenas';
import { STOP_SIGNALS, whenScriptShellExits } from './stopSignals';

/**
 * `npm start`: the whole loop on this machine until Ctrl-C. Modules load inside `main`, so the
 * parent that only relaunches the host (`relaunchWithMallocArenaLimit`) does not load them.
 */
async function main(): Promise<void> {
  const { applyLocalSettings } = await import('./localSettings');
  const { startLocalStack } = await import('./stack');
  const { CONTAINERS } = await import('../shared/storage/names');
  const file = applyLocalSettings();
  console.log(`tuneloop local host${file ? ` (settings from ${file})` : ' (no local.settings.json: defaults)'}`);
  const stack = await startLocalStack();
  console.log(`Azurite: blob ${stack.azurite.ports.blob}, queue ${stack.azurite.ports.queue}, table ${stack.azurite.ports.table}`);
  console.log(`Azure OpenAI emulator: ${stack.emulator.url} (speed ${stack.settings.TUNELOOP_EMULATOR_SPEED})`);
  const names = stack.host.definitions.map((d) => `${d.name} (${d.trigger.type})`).join(', ');
  console.log(`Functions: ${names || 'none registered'}`);
  console.log(`Drop a log file into the "${CONTAINERS.raw}" container, e.g.:  npx tuneloop drop demo/data/chat-logs.jsonl`);
  console.log('Press Ctrl-C to stop.');
  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: stopping (waiting for running invocations)...`);
    await stack.stop();
    console.log('stopped.');
    process.exit(0);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void shutdown(signal));
  stopWithLauncher(() => void shutdown('launcher exited'));
}

/**
 * Stops the host when whatever launched it is gone without a signal reaching the host: the
 * relaunching parent (mallocArenas.ts) killed, or, without that parent, npm's script shell.
 */
function stopWithLauncher(stop: () => void): void {
  if (process.channel) {
    process.once('disconnect', stop);
    // Listening refs the channel; the host's own servers keep it alive, the channel must not.
    process.channel.unref();
  } else whenScriptShellExits(stop);
}

if (!relaunchWithMallocArenaLimit())
  main().catch(async (err: unknown) => {
    // Errors that say what to do need no stack trace.
    const { TuneloopError } = await import('../shared/errors');
    if (err instanceof TuneloopError) console.error(`tuneloop: ${err.message}`);
    else console.error(err);
    process.exit(1);
  });
