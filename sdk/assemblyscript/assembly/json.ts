// A small JSON value for AssemblyScript: parse, read, build and print. Strict (RFC 8259) when parsing; printing
// always produces valid JSON.

import { StringBuilder } from "./builder";

/** The kind of a Json value. */
export enum JsonKind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

/** A JSON value. Objects keep their members in order. */
export class Json {
  kind: JsonKind = JsonKind.Null;
  private b: bool = false;
  private n: f64 = 0;
  private s: string = "";
  // Made on first use: a string or a number needs none of them.
  private itemList: Json[] | null = null;
  private keyList: string[] | null = null;
  private valueList: Json[] | null = null;

  /** The items of an array. */
  get items(): Json[] {
    if (this.itemList == null) this.itemList = [];
    return this.itemList!;
  }
  set items(items: Json[]) {
    this.itemList = items;
  }
  /** The member names of an object (same order as `values`). */
  get keys(): string[] {
    if (this.keyList == null) this.keyList = [];
    return this.keyList!;
  }
  set keys(keys: string[]) {
    this.keyList = keys;
  }
  /** The member values of an object. */
  get values(): Json[] {
    if (this.valueList == null) this.valueList = [];
    return this.valueList!;
  }
  set values(values: Json[]) {
    this.valueList = values;
  }

  /** The message of the last failed `Json.parse`. */
  static error: string = "";

  /** null. */
  static null(): Json {
    return new Json();
  }
  /** true or false. */
  static bool(value: bool): Json {
    const j = new Json();
    j.kind = JsonKind.Bool;
    j.b = value;
    return j;
  }
  /** A number. */
  static number(value: f64): Json {
    const j = new Json();
    j.kind = JsonKind.Number;
    j.n = value;
    return j;
  }
  /** A string. */
  static string(value: string): Json {
    const j = new Json();
    j.kind = JsonKind.String;
    j.s = value;
    return j;
  }
  /** An array of items. */
  static array(items: Json[]): Json {
    const j = new Json();
    j.kind = JsonKind.Array;
    j.items = items;
    return j;
  }
  /** An empty object, to fill with `set`. */
  static object(): Json {
    const j = new Json();
    j.kind = JsonKind.Object;
    return j;
  }

  /** Parses a whole JSON document; null when it is not JSON (then `Json.error` says what is wrong and where). */
  static parse(text: string): Json | null {
    const p = new Parser(text);
    p.ws();
    const v = p.value();
    if (v == null) {
      Json.error = p.error;
      return null;
    }
    p.ws();
    if (p.i != text.length) {
      Json.error = "invalid JSON at position " + p.i.toString() + ": unexpected text after the JSON value";
      return null;
    }
    return v;
  }

  /** Sets member key of this object to value (replacing an existing one) and returns this object. */
  set(key: string, value: Json): Json {
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] == key) {
        this.values[i] = value;
        return this;
      }
    }
    this.keys.push(key);
    this.values.push(value);
    return this;
  }
  /** `set(key, Json.string(value))`. */
  setString(key: string, value: string): Json {
    return this.set(key, Json.string(value));
  }
  /** `set(key, Json.number(value))`. */
  setNumber(key: string, value: f64): Json {
    return this.set(key, Json.number(value));
  }
  /** `set(key, Json.bool(value))`. */
  setBool(key: string, value: bool): Json {
    return this.set(key, Json.bool(value));
  }

  /** The value of the first member named key of an object; null when missing or not an object. */
  get(key: string): Json | null {
    const keys = this.keyList;
    if (keys == null) return null;
    for (let i = 0; i < keys.length; i++) if (keys[i] == key) return this.values[i];
    return null;
  }
  /** The string member key, or fallback when it is missing or not a string. */
  getString(key: string, fallback: string = ""): string {
    const v = this.get(key);
    return v != null && v.kind == JsonKind.String ? v.s : fallback;
  }
  /** The number member key, or fallback when it is missing or not a number. */
  getNumber(key: string, fallback: f64 = 0): f64 {
    const v = this.get(key);
    return v != null && v.kind == JsonKind.Number ? v.n : fallback;
  }
  /** Whether the object has a member key. */
  has(key: string): bool {
    return this.get(key) != null;
  }

  /** The text of a string value ("" for other values). */
  asString(): string {
    return this.kind == JsonKind.String ? this.s : "";
  }
  /** A number value (0 for other values). */
  asNumber(): f64 {
    return this.kind == JsonKind.Number ? this.n : 0;
  }
  /** A boolean value (false for other values). */
  asBool(): bool {
    return this.kind == JsonKind.Bool ? this.b : false;
  }
  /** Whether this is null. */
  isNull(): bool {
    return this.kind == JsonKind.Null;
  }

  /** The value as compact JSON text (strings escaped, integers without a fraction). */
  dump(): string {
    if (this.kind == JsonKind.String && !needsEscape(this.s)) return '"' + this.s + '"';
    const out = new StringBuilder();
    this.dumpTo(out);
    return out.toString();
  }

  /** Appends dump()'s text to out. */
  dumpTo(out: StringBuilder): void {
    switch (this.kind) {
      case JsonKind.Bool:
        out.append(this.b ? "true" : "false");
        break;
      case JsonKind.Number: {
        const n = this.n;
        if (!isFinite(n)) out.append("null");
        else if (Math.floor(n) == n && Math.abs(n) < 1e15) out.append((<i64>n).toString());
        else out.append(n.toString());
        break;
      }
      case JsonKind.String:
        out.appendCode(0x22);
        escapeJsonTo(out, this.s);
        out.appendCode(0x22);
        break;
      case JsonKind.Array: {
        const items = this.itemList;
        out.appendCode(0x5b);
        if (items != null) {
          for (let i = 0; i < items.length; i++) {
            if (i > 0) out.appendCode(0x2c);
            items[i].dumpTo(out);
          }
        }
        out.appendCode(0x5d);
        break;
      }
      case JsonKind.Object: {
        const keys = this.keyList;
        out.appendCode(0x7b);
        if (keys != null) {
          const values = this.values;
          for (let i = 0; i < keys.length; i++) {
            if (i > 0) out.appendCode(0x2c);
            out.appendCode(0x22);
            escapeJsonTo(out, keys[i]);
            out.append('":');
            values[i].dumpTo(out);
          }
        }
        out.appendCode(0x7d);
        break;
      }
      default:
        out.append("null");
    }
  }

  /** The same as dump(). */
  toString(): string {
    return this.dump();
  }
}

const HEX = "0123456789abcdef";

// The code unit at index i of text, for 0 <= i < text.length (checked by the caller): charCodeAt without its check
// and its call, in the loops below.
// @ts-ignore: decorator
@inline
function unitAt(text: string, i: i32): i32 {
  return <i32>load<u16>(changetype<usize>(text) + (<usize>i << 1));
}

// Whether code unit c must be escaped in a JSON string.
// @ts-ignore: decorator
@inline
function mustEscape(c: i32): bool {
  return c < 0x20 || c == 0x22 || c == 0x5c;
}

function needsEscape(text: string): bool {
  for (let i = 0; i < text.length; i++) if (mustEscape(unitAt(text, i))) return true;
  return false;
}

/** text escaped as the content of a JSON string (quotes, backslashes and control characters; the rest as is). */
export function escapeJson(text: string): string {
  if (!needsEscape(text)) return text;
  const out = new StringBuilder(text.length + 16);
  escapeJsonTo(out, text);
  return out.toString();
}

/** Appends escapeJson(text) to out. */
export function escapeJsonTo(out: StringBuilder, text: string): void {
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = unitAt(text, i);
    if (!mustEscape(c)) continue;
    out.appendRange(text, from, i);
    from = i + 1;
    out.appendCode(0x5c);
    if (c == 0x22 || c == 0x5c) out.appendCode(c);
    else if (c == 0x0a) out.appendCode(0x6e);
    else if (c == 0x0d) out.appendCode(0x72);
    else if (c == 0x09) out.appendCode(0x74);
    else {
      out.append("u00");
      out.appendCode(HEX.charCodeAt(c >> 4));
      out.appendCode(HEX.charCodeAt(c & 15));
    }
  }
  out.appendRange(text, from, text.length);
}

class Parser {
  i: i32 = 0;
  error: string = "";
  depth: i32 = 0;
  constructor(public s: string) {}

  fail(what: string): Json | null {
    if (this.error.length == 0) this.error = "invalid JSON at position " + this.i.toString() + ": " + what;
    return null;
  }

  peek(): i32 {
    return this.i < this.s.length ? unitAt(this.s, this.i) : -1;
  }

  ws(): void {
    while (this.i < this.s.length) {
      const c = unitAt(this.s, this.i);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      this.i++;
    }
  }

  literal(word: string, value: Json): Json | null {
    if (this.s.substr(this.i, word.length) != word) return this.fail("unknown literal");
    this.i += word.length;
    return value;
  }

  value(): Json | null {
    const c = this.peek();
    if (c == -1) return this.fail("unexpected end");
    if (c == 0x6e) return this.literal("null", Json.null());
    if (c == 0x74) return this.literal("true", Json.bool(true));
    if (c == 0x66) return this.literal("false", Json.bool(false));
    if (c == 0x22) {
      const s = this.str();
      return s == null ? null : Json.string(s);
    }
    if (c == 0x5b || c == 0x7b) {
      if (++this.depth > 512) return this.fail("nested too deeply");
      const v = c == 0x5b ? this.array() : this.object();
      this.depth--;
      return v;
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    return this.fail("unexpected character");
  }

  array(): Json | null {
    this.i++;
    const items: Json[] = [];
    this.ws();
    if (this.peek() == 0x5d) {
      this.i++;
      return Json.array(items);
    }
    while (true) {
      this.ws();
      const v = this.value();
      if (v == null) return null;
      items.push(v);
      this.ws();
      const c = this.peek();
      this.i++;
      if (c == 0x2c) continue;
      if (c == 0x5d) return Json.array(items);
      this.i--;
      return this.fail("expected , or ]");
    }
    return null;
  }

  object(): Json | null {
    this.i++;
    const o = Json.object();
    this.ws();
    if (this.peek() == 0x7d) {
      this.i++;
      return o;
    }
    while (true) {
      this.ws();
      if (this.peek() != 0x22) return this.fail("expected a member name");
      const key = this.str();
      if (key == null) return null;
      this.ws();
      if (this.peek() != 0x3a) return this.fail("expected :");
      this.i++;
      this.ws();
      const v = this.value();
      if (v == null) return null;
      o.keys.push(key);
      o.values.push(v);
      this.ws();
      const c = this.peek();
      this.i++;
      if (c == 0x2c) continue;
      if (c == 0x7d) return o;
      this.i--;
      return this.fail("expected , or }");
    }
    return null;
  }

  digits(): i32 {
    const from = this.i;
    while (this.i < this.s.length) {
      const c = unitAt(this.s, this.i);
      if (c < 0x30 || c > 0x39) break;
      this.i++;
    }
    return this.i - from;
  }

  number(): Json | null {
    const start = this.i;
    if (this.peek() == 0x2d) this.i++;
    const intStart = this.i;
    const n = this.digits();
    if (n == 0 || (n > 1 && this.s.charCodeAt(intStart) == 0x30)) return this.fail("bad number");
    if (this.peek() == 0x2e) {
      this.i++;
      if (this.digits() == 0) return this.fail("bad number");
    }
    const e = this.peek();
    if (e == 0x65 || e == 0x45) {
      this.i++;
      const sign = this.peek();
      if (sign == 0x2b || sign == 0x2d) this.i++;
      if (this.digits() == 0) return this.fail("bad number");
    }
    return Json.number(parseFloat(this.s.substring(start, this.i)));
  }

  hex4(): i32 {
    if (this.i + 4 > this.s.length) return -1;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.s.charCodeAt(this.i + k);
      let d = -1;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    this.i += 4;
    return v;
  }

  // A string's content; the input is already UTF-16, so \u escapes (surrogate pairs included) are code units. Without
  // escapes it is one substring; with them, decoded into a builder made at the first one.
  str(): string | null {
    this.i++;
    const s = this.s;
    let out: StringBuilder | null = null;
    let from = this.i;
    while (true) {
      if (this.i >= s.length) {
        this.fail("unterminated string");
        return null;
      }
      const c = unitAt(s, this.i);
      if (c == 0x22) {
        const end = this.i;
        this.i++;
        if (out == null) return s.substring(from, end);
        return out.appendRange(s, from, end).toString();
      }
      if (c < 0x20) {
        this.fail("control character in a string");
        return null;
      }
      if (c != 0x5c) {
        this.i++;
        continue;
      }
      if (out == null) out = new StringBuilder(this.i - from + 16);
      out.appendRange(s, from, this.i);
      this.i++;
      const e = this.peek();
      this.i++;
      if (e == 0x22 || e == 0x5c || e == 0x2f) out.appendCode(e);
      else if (e == 0x62) out.appendCode(0x08);
      else if (e == 0x66) out.appendCode(0x0c);
      else if (e == 0x6e) out.appendCode(0x0a);
      else if (e == 0x72) out.appendCode(0x0d);
      else if (e == 0x74) out.appendCode(0x09);
      else if (e == 0x75) {
        const u = this.hex4();
        if (u < 0) {
          this.fail("bad \\u escape");
          return null;
        }
        out.appendCode(u);
      } else {
        this.i--;
        this.fail("bad escape");
        return null;
      }
      from = this.i;
    }
    return null;
  }
}
