import { applyLocalSettings } from './localSettings';
import { startLocalStack } from './stack';
import { SettingsError } from '../shared/config/settings';
import { PortInUseError } from './azurite';
import { CONTAINERS } from '../shared/storage/names';

/** `npm start`: the whole loop on this machine until Ctrl-C. */
async function main(): Promise<void> {
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
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (waiting for running invocations)...`);
    await stack.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof SettingsError || err instanceof PortInUseError) console.error(`tuneloop: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
