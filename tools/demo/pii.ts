import type { Random } from './prng';

/**
 * Invented personal data of the kinds the quality stage must redact. Card numbers and IBANs are
 * made valid (Luhn / mod 97) on purpose, so a redactor that checks them still has to catch them.
 */
export const FIRST_NAMES = ['Maria', 'James', 'Aisha', 'Lukas', 'Sofia', 'Daniel', 'Priya', 'Tomas', 'Elena', 'Kenji', 'Fatima', 'Oliver', 'Chloe', 'Mateo', 'Hannah', 'Noah', 'Zara', 'Ben', 'Lena', 'Omar', 'Ines', 'Felix', 'Greta', 'Ravi'];
export const LAST_NAMES = ['Keller', 'Novak', 'Okafor', 'Schmidt', 'Rossi', 'Dubois', 'Patel', 'Nguyen', 'Kowalski', 'Larsen', 'Haddad', 'Moreau', 'Fischer', 'Silva', 'Brennan', 'Lindqvist', 'Costa', 'Weber'];
const STREETS = ['Linden Street', 'Harbour Road', 'Mill Lane', 'Oak Avenue', 'Station Road', 'Elm Court', 'Kingfisher Way', 'Baker Row'];
const CITIES: [string, string][] = [['Bristol', 'BS1 4DJ'], ['Leeds', 'LS2 7EY'], ['Manchester', 'M1 2AB'], ['Cardiff', 'CF10 1AA'], ['York', 'YO1 7HH'], ['Bath', 'BA1 1LT']];
const MAIL_DOMAINS = ['example.com', 'mailbox.example.org', 'inbox.example.net'];

export interface Person {
  first: string;
  last: string;
  email: string;
  phone: string;
  address: string;
}

export function person(random: Random): Person {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const [city, postcode] = random.pick(CITIES);
  return {
    first,
    last,
    email: `${first.toLowerCase()}.${last.toLowerCase()}${random.int(1, 99)}@${random.pick(MAIL_DOMAINS)}`,
    // 07700 900xxx is the UK range reserved for fiction.
    phone: random.chance(0.5) ? `+44 7700 900${random.digits(3)}` : `07700 900 ${random.digits(3)}`,
    address: `${random.int(2, 180)} ${random.pick(STREETS)}, ${city} ${postcode}`,
  };
}

export function luhnCard(random: Random): string {
  const body = `4${random.digits(14)}`;
  const digits = body + luhnCheckDigit(body);
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** A German IBAN (DE + 2 check digits + 18 digits) with a correct mod-97 checksum. */
export function iban(random: Random): string {
  const bban = random.digits(18);
  const value = `DE${ibanCheckDigits('DE', bban)}${bban}`;
  return value.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The Luhn check digit that makes `body` + digit a valid card number (shared with the redaction property tests). */
export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** The two ISO 13616 check digits of an IBAN of `country` with this BBAN (letters count as 10–35). */
export function ibanCheckDigits(country: string, bban: string): string {
  const numeric = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const ch of numeric) rest = (rest * 10 + Number(ch)) % 97;
  return String(98 - rest).padStart(2, '0');
}
