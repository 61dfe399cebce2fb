/**
 * Points a settings environment at the local Azure OpenAI emulator (and its ARM side), as the
 * local stack runs it: `npm start` for its host, and the CLI for commands on that stack's storage,
 * whatever endpoint `local.settings.json` names. A command on the stack's storage that reached
 * another endpoint would act on files and jobs the stack never made (`forget` took another
 * emulator's 404s for training files already deleted).
 */
export function useLocalEmulator(env: Record<string, string | undefined>, url: string): void {
  env.TUNELOOP_OPENAI_ENDPOINT = url;
  env.TUNELOOP_ARM_ENDPOINT = url;
  // The emulator takes any bearer token over http; Azure credentials must never be sent to it.
  env.TUNELOOP_OPENAI_AUTH = 'local';
  env.TUNELOOP_OPENAI_SUBSCRIPTION_ID ||= '00000000-0000-0000-0000-000000000000';
  env.TUNELOOP_OPENAI_RESOURCE_GROUP ||= 'tuneloop-local';
  env.TUNELOOP_OPENAI_ACCOUNT ||= 'tuneloop-local';
}
