import { MissingValueError } from './errors';

/**
 * Lookups whose result the type system cannot see as possibly missing (an index into a `Record`,
 * an array or a `Map` the code knows holds the key), written so the missing case is explicit.
 */

/** The record's own value under `key`, or undefined: keys like `constructor` never reach `Object.prototype`. */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** `value`, or a MissingValueError naming `what` when it is undefined (for lookups the code knows succeed). */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new MissingValueError(`${what} is missing (a bug in tuneloop: the code expected it to exist)`);
  return value;
}

/** `map.get(key)`, or a MissingValueError naming `what` and the key when the map has no such key. */
export function getOrThrow<K extends string | number, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  if (!map.has(key)) throw new MissingValueError(`${what} ${String(key)} is missing (a bug in tuneloop: the code expected it to exist)`);
  return map.get(key) as V;
}
