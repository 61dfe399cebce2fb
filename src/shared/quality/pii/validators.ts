import { isIP } from 'node:net';
import { ownValue } from '../../lookup';

/** Checks that structured identifiers are real ones, not any run of digits that looks similar. */

/** Luhn checksum (ISO/IEC 7812) over the digits of `value`. */
export function luhnValid(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (!digits.length) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * A payment card number: 12–19 digits, an issuer prefix in use (Visa 4, Mastercard 51–55 and
 * 2221–2720, Amex 34/37, Diners 30/36/38/39, Discover/UnionPay/Maestro 6, JCB 35 and 1800/2131,
 * Maestro 50/56–58) and a valid Luhn digit.
 */
export function isCardNumber(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return false;
  if (!/^(?:4|5[0-8]|2[2-7]|3[0456789]|6|1800|2131)/.test(digits)) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  return luhnValid(digits);
}

/** IBAN lengths per country (ISO 13616 registry); unknown countries fall back to 15–34. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** ISO 13616: country code, two check digits, BBAN; mod-97 of the rearranged number is 1. */
export function isIban(value: string): boolean {
  const iban = value.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const expected = ownValue(IBAN_LENGTHS, iban.slice(0, 2));
  if (expected !== undefined && iban.length !== expected) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const part = code >= 65 ? String(code - 55) : ch;
    for (const digit of part) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/**
 * US Social Security number rules: area 001–899 except 666, group 01–99, serial 0001–9999, and not
 * one of the numbers published in advertising (078-05-1120, 219-09-9999).
 */
export function isSsn(value: string): boolean {
  const m = /^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/.exec(value.trim());
  if (!m) return false;
  const [area, group, serial] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (area === 0 || area === 666 || area >= 900) return false;
  if (group === 0 || serial === 0) return false;
  const joined = m[1] + m[2] + m[3];
  return joined !== '078051120' && joined !== '219099999';
}

/** 4 or 6 when `value` is an IP address (node's own parser), 0 otherwise. */
export function ipVersion(value: string): 0 | 4 | 6 {
  return isIP(value) as 0 | 4 | 6;
}
