/**
 * Parses APPLICATIONINSIGHTS_AUTHENTICATION_STRING, the setting the Functions host also reads:
 * `Authorization=AAD` (DefaultAzureCredential) or `Authorization=AAD;ClientId=<guid>` (a
 * user-assigned managed identity). Returns undefined when the string is unset.
 */
export function parseAuthenticationString(value: string | undefined): { clientId?: string } | undefined {
  if (!value) return undefined;
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq < 0)
      throw new Error(
        `APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "${part}" is not key=value; expected "Authorization=AAD;ClientId=<client id>"`,
      );
    parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  if (parts.get('authorization')?.toUpperCase() !== 'AAD') {
    throw new Error('APPLICATIONINSIGHTS_AUTHENTICATION_STRING must contain Authorization=AAD (keyless ingestion with Entra ID)');
  }
  const clientId = parts.get('clientid');
  return clientId ? { clientId } : {};
}
