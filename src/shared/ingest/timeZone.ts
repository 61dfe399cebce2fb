/**
 * Declared time zones: the zone a file's zone-less timestamps were written in (`tuneloop prepare
 * --timezone`, a blob's metadata `timezone`, TUNELOOP_INPUT_TIMEZONE). Offsets come from the
 * runtime's own tz database through Intl, so daylight saving time is that of the date itself.
 */

/** A time zone as a user declared it, resolved to its IANA name. */
export interface DeclaredTimeZone {
  /** The canonical IANA name ("Europe/Berlin"), as Intl resolves it. */
  name: string;
  /** Who declared it, for the report: "--timezone", "the blob's metadata timezone", "TUNELOOP_INPUT_TIMEZONE". */
  by: string;
}

/** A time zone name Intl does not know; its message names the value and where it came from. */
export class TimeZoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeZoneError';
  }
}

/**
 * `name` as the zone the report names ("europe/berlin" -> "Europe/Berlin", "Etc/UTC" -> "UTC"), or
 * undefined when Intl knows no such zone.
 */
export function canonicalTimeZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return undefined;
  // The default needs no Intl: building a DateTimeFormat with a zone loads ICU's zone data, about
  // 5 MB of RSS in every process that reads the settings (and every worker), for nothing.
  if (isUtcName(trimmed)) return 'UTC';
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
    // UTC's aliases (Etc/UTC, GMT, Zulu): one name, so "read as UTC" is one test and stays unreported.
    if (isUtcName(resolved) || isUtcName(trimmed)) return 'UTC';
    // ICU resolves some current names to older aliases (Asia/Kolkata -> Asia/Calcutta): only the
    // spelling of case is taken from it, the name stays the one the user gave.
    return resolved.toLowerCase() === trimmed.toLowerCase() ? resolved : trimmed;
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

function isUtcName(name: string): boolean {
  return /^(?:Etc\/)?(?:UTC|UCT|GMT|GMT[+-]?0|Universal|Zulu|Greenwich)$/i.test(name);
}

/** `name` resolved, or a `TimeZoneError` naming the value and `by` (the option or metadata it came from). */
export function resolveTimeZone(name: string, by: string): DeclaredTimeZone {
  const canonical = canonicalTimeZone(name);
  if (!canonical)
    throw new TimeZoneError(
      `${by}: unknown time zone ${JSON.stringify(name)}; give an IANA time zone name such as Europe/Berlin, America/New_York or UTC ` +
        `(the list: https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)`,
    );
  return { name: canonical, by };
}

/** The zone a blob declares in its metadata `timezone` (any case), or undefined; `TimeZoneError` if it is unknown. */
export function declaredTimeZoneOfBlob(metadata: Record<string, string> | undefined): DeclaredTimeZone | undefined {
  const value = Object.entries(metadata ?? {}).find(([key]) => key.toLowerCase() === 'timezone')?.[1];
  return value?.trim() ? resolveTimeZone(value, "the blob's metadata timezone") : undefined;
}

/** How a file's zone-less timestamps were read, for the report: "Europe/Berlin (declared by --timezone)". */
export function describeTimeZone(zone: DeclaredTimeZone): string {
  return `${zone.name} (declared by ${zone.by})`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC at the instant `epochMs`, in milliseconds (Berlin in summer: +7,200,000). */
export function offsetAt(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(whole))) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return wall.getTime() - whole;
}

const DAY_MS = 86_400_000;

/**
 * The instant at which clocks in `timeZone` showed the wall-clock time `wallMs` (a wall-clock
 * date-time counted as if it were UTC, e.g. `Date.UTC(2026, 2, 29, 2, 30)`).
 *
 * Daylight saving time makes some wall-clock times ambiguous, and tuneloop reads them as
 * JavaScript's Date and Temporal's default ("compatible") do:
 * - a time that occurs twice (the hour repeated when clocks go back) is the earlier of the two,
 *   i.e. read with the offset in force before the change (Berlin 2026-10-25 02:30 -> 00:30Z, +02:00);
 * - a time that never occurred (the hour skipped when clocks go forward) is read with the offset
 *   in force before the change too, which lands it as far after the gap as it was into it
 *   (Berlin 2026-03-29 02:30 -> 01:30Z, i.e. 03:30 +02:00).
 */
export function zonedWallClockToEpoch(wallMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return wallMs;
  // Real zones change offset at most once in two days, so the offsets a day either side are the
  // only ones that can apply to this wall-clock time.
  const before = offsetAt(wallMs - DAY_MS, timeZone);
  const after = offsetAt(wallMs + DAY_MS, timeZone);
  if (before === after) {
    // No change nearby (or the day itself has one that starts and ends on it, which no zone does).
    const at = wallMs - before;
    const actual = offsetAt(at, timeZone);
    return actual === before ? at : wallMs - actual;
  }
  // The offset before the change: valid both for a normal time before it and for the first of a
  // repeated hour, and the "compatible" reading of a skipped one.
  if (offsetAt(wallMs - before, timeZone) === before) return wallMs - before;
  if (offsetAt(wallMs - after, timeZone) === after) return wallMs - after;
  return wallMs - before;
}
