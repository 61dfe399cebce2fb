import fs from 'node:fs';
import path from 'node:path';
import { AZURITE_KEY } from '../../src/shared/storage/clients';

/** A value planted in the environment of a run; it must never show up in anything the run writes. */
export const CANARY_SECRET = 'tuneloop-canary-secret-7f3a9c1e5b2d4086';

/** Shapes of credentials: storage keys, SAS signatures, bearer tokens, JWTs, private keys, connection strings. */
const SECRET_PATTERNS: [string, RegExp][] = [
  ['Azurite account key', new RegExp(AZURITE_KEY.replace(/[+/=]/g, (c) => `\\${c}`))],
  ['storage account key', /AccountKey=[A-Za-z0-9+/=]{20,}/i],
  ['SAS signature', /(?:[?&]sig=[A-Za-z0-9%+/=]{20,}|SharedAccessSignature=)/i],
  ['Service Bus / Event Hubs key', /SharedAccessKey=[A-Za-z0-9+/=]{20,}/i],
  ['Authorization header', /Authorization["']?\s*[:=]\s*["']?(?:Bearer|SharedKey|Basic)\s+\S{8,}/i],
  ['bearer token', /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/],
  ['JWT', /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{5,}/],
  ['Application Insights key', /InstrumentationKey=[0-9a-f]{8}-[0-9a-f]{4}-/i],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['API key header', /\bapi-key["']?\s*[:=]\s*["']?[A-Za-z0-9]{16,}/i],
  ['planted canary', new RegExp(CANARY_SECRET)],
];

export function findSecrets(text: string): string[] {
  return SECRET_PATTERNS.filter(([, re]) => re.test(text)).map(([what]) => what);
}

/** Every file under a folder, with what it leaks (if anything). */
export function scanFolder(root: string): { file: string; secrets: string[] }[] {
  const out: { file: string; secrets: string[] }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile())
        out.push({ file: path.relative(root, full), secrets: findSecrets(fs.readFileSync(full).toString('latin1')) });
    }
  };
  walk(root);
  return out;
}
