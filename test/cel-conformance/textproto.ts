/**
 * A small reader for the protobuf text format, enough for the cel-spec conformance files
 * (`tests/simple/testdata/*.textproto`): messages (`{…}` or `<…>`), scalars (numbers, identifiers,
 * quoted strings with C escapes, adjacent strings concatenated), `[type.url/Name]` field names and
 * comments. It knows no schema: a message is the ordered list of its fields; callers interpret them.
 */

/** A scalar as written: `text` for numbers and identifiers, `bytes` for quoted strings. */
export interface TextScalar {
  readonly kind: 'scalar';
  readonly text: string;
  readonly bytes: Uint8Array | undefined;
}

export interface TextMessage {
  readonly kind: 'message';
  readonly fields: readonly (readonly [string, TextValue])[];
}

export type TextValue = TextScalar | TextMessage;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** The field's values in order. */
export function all(m: TextMessage, name: string): TextValue[] {
  return m.fields.filter(([n]) => n === name).map(([, v]) => v);
}

/** The field's single (last) value, or undefined. */
export function one(m: TextMessage, name: string): TextValue | undefined {
  const vs = all(m, name);
  return vs[vs.length - 1];
}

export function message(m: TextMessage, name: string): TextMessage | undefined {
  const v = one(m, name);
  return v?.kind === 'message' ? v : undefined;
}

/** A string field (UTF-8 decoded), or undefined. */
export function str(m: TextMessage, name: string): string | undefined {
  const v = one(m, name);
  if (v?.kind !== 'scalar') {
    return undefined;
  }
  return v.bytes === undefined ? v.text : utf8Decoder.decode(v.bytes);
}

/** A scalar's text for numbers, booleans and enums. */
export function scalarText(v: TextValue | undefined): string | undefined {
  return v?.kind === 'scalar' ? v.text : undefined;
}

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

class Reader {
  readonly #src: string;
  #i = 0;

  constructor(src: string) {
    this.#src = src;
  }

  #skip(): void {
    const s = this.#src;
    while (this.#i < s.length) {
      const c = s[this.#i]!;
      if (c === '#') {
        while (this.#i < s.length && s[this.#i] !== '\n') {
          this.#i++;
        }
      } else if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === ',' || c === ';') {
        this.#i++;
      } else {
        return;
      }
    }
  }

  #fail(what: string): never {
    const line = this.#src.slice(0, this.#i).split('\n').length;
    throw new Error(`textproto: ${what} at line ${line}`);
  }

  #peek(): string | undefined {
    this.#skip();
    return this.#src[this.#i];
  }

  readMessage(close: string | undefined): TextMessage {
    const fields: [string, TextValue][] = [];
    for (;;) {
      const c = this.#peek();
      if (c === undefined) {
        if (close !== undefined) {
          this.#fail(`missing "${close}"`);
        }
        return { kind: 'message', fields };
      }
      if (c === close) {
        this.#i++;
        return { kind: 'message', fields };
      }
      const name = this.#fieldName();
      let c2 = this.#peek();
      if (c2 === ':') {
        this.#i++;
        c2 = this.#peek();
      }
      if (c2 === '{' || c2 === '<') {
        this.#i++;
        fields.push([name, this.readMessage(c2 === '{' ? '}' : '>')]);
      } else if (c2 === '[') {
        // A repeated field written as a list: `values: [1, 2]`.
        this.#i++;
        while (this.#peek() !== ']') {
          const c3 = this.#peek();
          if (c3 === '{' || c3 === '<') {
            this.#i++;
            fields.push([name, this.readMessage(c3 === '{' ? '}' : '>')]);
          } else {
            fields.push([name, this.#scalar()]);
          }
        }
        this.#i++;
      } else {
        fields.push([name, this.#scalar()]);
      }
    }
  }

  #fieldName(): string {
    const s = this.#src;
    if (s[this.#i] === '[') {
      const end = s.indexOf(']', this.#i);
      if (end < 0) {
        this.#fail('unterminated [name]');
      }
      const name = s.slice(this.#i, end + 1);
      this.#i = end + 1;
      return name;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.#i, this.#i + 200));
    if (m === null) {
      this.#fail('expected a field name');
    }
    this.#i += m[0].length;
    return m[0];
  }

  #scalar(): TextScalar {
    const c = this.#peek();
    if (c === '"' || c === "'") {
      const parts: Uint8Array[] = [];
      while (this.#peek() === '"' || this.#peek() === "'") {
        parts.push(this.#quoted());
      }
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        bytes.set(p, o);
        o += p.length;
      }
      return { kind: 'scalar', text: decodeUtf8(bytes), bytes };
    }
    const m = /^[-+]?[A-Za-z0-9_.+-]+/.exec(this.#src.slice(this.#i, this.#i + 200));
    if (m === null) {
      this.#fail('expected a value');
    }
    this.#i += m[0].length;
    return { kind: 'scalar', text: m[0], bytes: undefined };
  }

  /** A quoted string as bytes: characters as UTF-8, escapes as in C (octal and hex are raw bytes). */
  #quoted(): Uint8Array {
    const s = this.#src;
    const q = s[this.#i]!;
    this.#i++;
    const out: number[] = [];
    const pushText = (t: string): void => {
      for (const b of utf8.encode(t)) {
        out.push(b);
      }
    };
    for (;;) {
      if (this.#i >= s.length) {
        this.#fail('unterminated string');
      }
      const ch = s[this.#i]!;
      if (ch === q) {
        this.#i++;
        return Uint8Array.from(out);
      }
      if (ch !== '\\') {
        const cp = s.codePointAt(this.#i)!;
        const t = String.fromCodePoint(cp);
        pushText(t);
        this.#i += t.length;
        continue;
      }
      const e = s[this.#i + 1];
      this.#i += 2;
      const simple: Record<string, number> = {
        n: 10,
        t: 9,
        r: 13,
        a: 7,
        b: 8,
        f: 12,
        v: 11,
        '\\': 92,
        "'": 39,
        '"': 34,
        '?': 63,
      };
      if (e !== undefined && e in simple) {
        out.push(simple[e]!);
      } else if (e !== undefined && e >= '0' && e <= '7') {
        let digits = e;
        while (digits.length < 3 && /[0-7]/.test(s[this.#i] ?? '')) {
          digits += s[this.#i];
          this.#i++;
        }
        out.push(parseInt(digits, 8) & 0xff);
      } else if (e === 'x' || e === 'X') {
        const m = /^[0-9A-Fa-f]{1,2}/.exec(s.slice(this.#i, this.#i + 2));
        if (m === null) {
          this.#fail('bad \\x escape');
        }
        out.push(parseInt(m[0], 16));
        this.#i += m[0].length;
      } else if (e === 'u' || e === 'U') {
        const n = e === 'u' ? 4 : 8;
        const hex = s.slice(this.#i, this.#i + n);
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== n) {
          this.#fail(`bad \\${e} escape`);
        }
        pushText(String.fromCodePoint(parseInt(hex, 16)));
        this.#i += n;
      } else {
        this.#fail(`unknown escape \\${e ?? ''}`);
      }
    }
  }
}

/** Parses a whole text-format file into its top-level message. */
export function parseTextproto(src: string): TextMessage {
  return new Reader(src).readMessage(undefined);
}
