/**
 * Dates of the other calendars a phone may be set to: a WhatsApp or LINE export from a phone set to
 * the Hijri (Umm al-Qura) or the Solar Hijri (Persian) calendar writes its years as 1448 or 1405.
 * Messengers exist since 2009, so the year says the calendar: 1430 and later (2009–2047) is Hijri
 * (as Solar Hijri it would be 2051 or later), 1388–1429 is Solar Hijri (as Hijri it would be
 * 1968–2008, before any messenger). Other years before 1970 are no date we can read. A phone set
 * to the Thai (Buddhist era) calendar writes 2569 for 2026: years 2512–2643 are that era's.
 */
export type OtherCalendar = 'islamic-umalqura' | 'persian';

export function calendarOfYear(year: number): OtherCalendar | undefined {
  if (year >= 1430 && year <= 1469) return 'islamic-umalqura';
  if (year >= 1388 && year <= 1429) return 'persian';
  return undefined;
}

/** The Gregorian year of a Buddhist-era year (2569 → 2026), or the year as it is. */
export function withoutBuddhistEra(year: number): number {
  return year >= 2512 && year <= 2643 ? year - 543 : year;
}

const formatters = new Map<OtherCalendar, Intl.DateTimeFormat>();
const converted = new Map<string, string | undefined>();
const FIRST_DAY = Date.UTC(1970, 0, 1) / 86_400_000;
const LAST_DAY = Date.UTC(2100, 0, 1) / 86_400_000;

function dayIn(calendar: OtherCalendar, epochDay: number): [number, number, number] {
  let format = formatters.get(calendar);
  if (!format) {
    format = new Intl.DateTimeFormat(`en-US-u-ca-${calendar}-nu-latn`, {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      timeZone: 'UTC',
    });
    formatters.set(calendar, format);
  }
  const parts = format.formatToParts(epochDay * 86_400_000);
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return [value('year'), value('month'), value('day')];
}

/** The Gregorian day (YYYY-MM-DD) of a date in `calendar`, or undefined when there is no such day (1448/13/01, 1405/12/31). */
export function gregorianDay(calendar: OtherCalendar, year: number, month: number, day: number): string | undefined {
  const key = `${calendar} ${year} ${month} ${day}`;
  if (converted.has(key)) return converted.get(key);
  // Days only move forward in every calendar: a binary search over the days 1970–2099.
  let low = FIRST_DAY;
  let high = LAST_DAY;
  let found: number | undefined;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const [y, m, d] = dayIn(calendar, mid);
    const order = y - year || m - month || d - day;
    if (order === 0) {
      found = mid;
      break;
    }
    if (order < 0) low = mid + 1;
    else high = mid - 1;
  }
  const iso = found === undefined ? undefined : new Date(found * 86_400_000).toISOString().slice(0, 10);
  converted.set(key, iso);
  return iso;
}
