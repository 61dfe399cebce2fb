import type { TokenCredential } from '@azure/identity';

/**
 * A stand-in for DefaultAzureCredential: no Entra ID exists on one machine, so it hands out a
 * fixed, meaningless bearer token and records every scope it is asked for. What the tests check is
 * real: that the SDK asks for the right scope and sends the token.
 */
export function recordingCredential(token = 'local-test-token'): { credential: TokenCredential; scopes: string[] } {
  const scopes: string[] = [];
  const credential: TokenCredential = {
    getToken: async (scope) => {
      scopes.push(...[scope].flat());
      return { token, expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
  return { credential, scopes };
}
