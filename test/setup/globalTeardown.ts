export default async function globalTeardown(): Promise<void> {
  await globalThis.__TUNELOOP_AZURITE__?.stop();
}
