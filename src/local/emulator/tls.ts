import { generate } from 'selfsigned';

export interface EmulatorCertificate {
  /** PEM certificate: give it to clients as their trusted CA (e.g. `tlsOptions.ca`, NODE_EXTRA_CA_CERTS). */
  cert: string;
  key: string;
}

/**
 * A self-signed certificate for localhost / 127.0.0.1, made at start. It exists because Azure
 * SDK clients (core-rest-pipeline's bearer-token policy) refuse to send a token over plain http,
 * so ARM calls to the emulator need https.
 */
export async function createSelfSignedCertificate(host: string): Promise<EmulatorCertificate> {
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && host !== '127.0.0.1') altNames.push({ type: 7, ip: host });
  else if (!/^\d/.test(host) && host !== 'localhost' && !host.includes(':')) altNames.push({ type: 2, value: host });
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'tuneloop Azure OpenAI emulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 30 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
