import sparticuzChromium from '@sparticuz/chromium';
import { startAzurite, type RunningAzurite } from '../../src/local/azurite';

declare global {
  // A global declaration needs `var`: `let`/`const` would not add a property to globalThis.
  var __TUNELOOP_AZURITE__: RunningAzurite | undefined;
}

/**
 * One in-memory Azurite on free ports for the whole run. Workers inherit the connection
 * string through the environment; each test file uses its own container/table/queue names
 * or the shared ones with unique blob names.
 */
export default async function globalSetup(): Promise<void> {
  const azurite = await startAzurite({ inMemory: true });
  globalThis.__TUNELOOP_AZURITE__ = azurite;
  process.env.TUNELOOP_TEST_STORAGE = azurite.connectionString;
  // Unpack the browser once, before test files in parallel workers would race to unpack it.
  await sparticuzChromium.executablePath();
}
