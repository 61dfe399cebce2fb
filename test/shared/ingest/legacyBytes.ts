/**
 * Text written in a legacy encoding, for tests: Node can decode Shift_JIS, GBK, Windows-1251… but
 * has no encoder for them, so the reverse map is built from the decoder itself (every single
 * byte, and every lead + trail pair of the double-byte encodings), and checked by decoding back.
 */
const DOUBLE_BYTE: Record<string, { leads: [number, number][]; trails: [number, number][] }> = {
  shift_jis: {
    leads: [
      [0x81, 0x9f],
      [0xe0, 0xfc],
    ],
    trails: [[0x40, 0xfc]],
  },
  gbk: { leads: [[0x81, 0xfe]], trails: [[0x40, 0xfe]] },
  big5: { leads: [[0x81, 0xfe]], trails: [[0x40, 0xfe]] },
  'euc-kr': { leads: [[0x81, 0xfe]], trails: [[0x41, 0xfe]] },
};

const maps = new Map<string, Map<string, Buffer>>();

function reverseMap(name: string): Map<string, Buffer> {
  const known = maps.get(name);
  if (known) return known;
  const map = new Map<string, Buffer>();
  const decoder = new TextDecoder(name, { fatal: true });
  const add = (bytes: Buffer) => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return;
    }
    if (!map.has(text)) map.set(text, bytes);
  };
  for (let b = 0; b < 0x80; b++) add(Buffer.from([b]));
  const double = Object.hasOwn(DOUBLE_BYTE, name) ? DOUBLE_BYTE[name] : undefined;
  if (double) {
    for (const [leadFrom, leadTo] of double.leads)
      for (let lead = leadFrom; lead <= leadTo; lead++)
        for (const [trailFrom, trailTo] of double.trails)
          for (let trail = trailFrom; trail <= trailTo; trail++) add(Buffer.from([lead, trail]));
  } else for (let b = 0x80; b < 0x100; b++) add(Buffer.from([b]));
  maps.set(name, map);
  return map;
}

/** `text` in `name` (a WHATWG encoding name); throws on a character the encoding lacks. */
export function encodeLegacy(text: string, name: string): Buffer {
  const map = reverseMap(name);
  const out: Buffer[] = [];
  for (const ch of text) {
    const bytes = map.get(ch);
    if (!bytes) throw new Error(`${JSON.stringify(ch)} has no ${name} bytes`);
    out.push(bytes);
  }
  const encoded = Buffer.concat(out);
  if (new TextDecoder(name, { fatal: true }).decode(encoded) !== text) throw new Error(`${name} round trip failed for ${text}`);
  return encoded;
}
