// A string built by appending: the text goes into one growing buffer and becomes a string once, where each `+`
// would allocate a new string (and give the garbage collector one more to collect).

/** Appends text, ranges of strings and code units; `toString()` makes the string. */
export class StringBuilder {
  private buffer: ArrayBuffer;
  private units: i32 = 0;

  /** A builder with room for capacity UTF-16 code units before it grows. */
  constructor(capacity: i32 = 64) {
    this.buffer = new ArrayBuffer(max(capacity, 16) << 1);
  }

  /** The number of code units appended so far. */
  get length(): i32 {
    return this.units;
  }

  private reserve(more: i32): usize {
    const needed = this.units + more;
    const capacity = this.buffer.byteLength >> 1;
    if (needed > capacity) {
      const grown = new ArrayBuffer(max(needed, capacity << 1) << 1);
      memory.copy(changetype<usize>(grown), changetype<usize>(this.buffer), <usize>this.units << 1);
      this.buffer = grown;
    }
    return changetype<usize>(this.buffer) + (<usize>this.units << 1);
  }

  /** Appends text; returns this. */
  append(text: string): StringBuilder {
    return this.appendRange(text, 0, text.length);
  }

  /** Appends the code units [start, end) of text (indices already checked by the caller); returns this. */
  appendRange(text: string, start: i32, end: i32): StringBuilder {
    const n = end - start;
    if (n <= 0) return this;
    memory.copy(this.reserve(n), changetype<usize>(text) + (<usize>start << 1), <usize>n << 1);
    this.units += n;
    return this;
  }

  /** Appends one UTF-16 code unit; returns this. */
  appendCode(unit: i32): StringBuilder {
    store<u16>(this.reserve(1), <u16>unit);
    this.units++;
    return this;
  }

  /** The text appended so far. */
  toString(): string {
    return String.UTF16.decodeUnsafe(changetype<usize>(this.buffer), <usize>this.units << 1);
  }
}
