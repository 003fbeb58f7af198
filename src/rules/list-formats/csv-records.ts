/**
 * CSV records read as the text arrives (RFC 4180): fields separated by a comma or another character,
 * quoted fields may hold the separator, doubled quotes and line breaks; records end at CR LF or LF.
 * Each record is given with the line it starts on, once it is complete, so a list of any size is read
 * in pieces and never held as one string. A record longer than `maxRecordLength` is given as too long
 * (its text is dropped as it arrives): a file with an unclosed quote cannot make one field swallow it.
 */

export type CsvRecord =
  | { readonly line: number; readonly fields: readonly string[] }
  | { readonly line: number; readonly error: string };

export class CsvRecords {
  #separator: string | undefined;
  readonly #maxRecordLength: number;
  readonly #out: CsvRecord[] = [];
  #fields: string[] = [];
  #field = '';
  #quoted = false;
  /** After a closing quote: the next character must end the field (or be a doubled quote). */
  #afterQuote = false;
  #fieldStarted = false;
  #line = 1;
  #recordLine = 1;
  #length = 0;
  #tooLong = false;
  #pendingCr = false;
  /** The text before the header row's end, while the separator is not known. */
  #head = '';

  /** `separator` undefined: taken from the first record (see `csvSeparator`). */
  constructor(separator?: string, maxRecordLength = 1_000_000) {
    this.#separator = separator;
    this.#maxRecordLength = maxRecordLength;
  }

  /** Reads more text; returns the records it completed. */
  write(text: string): CsvRecord[] {
    if (this.#separator === undefined) {
      // The header row decides the separator: wait for its end (or stop waiting after 64 KB).
      this.#head += text;
      const nl = this.#head.indexOf('\n');
      if (nl < 0 && this.#head.length < 65_536) {
        return [];
      }
      this.#separator = csvSeparator(nl < 0 ? this.#head : this.#head.slice(0, nl));
      text = this.#head;
      this.#head = '';
    }
    this.#consume(text, this.#separator);
    return this.#out.splice(0);
  }

  /** The last record, when the text did not end with a line break; an open quote is an error. */
  end(): CsvRecord[] {
    if (this.#separator === undefined) {
      const nl = this.#head.indexOf('\n');
      this.#separator = csvSeparator(nl < 0 ? this.#head : this.#head.slice(0, nl));
      this.#consume(this.#head, this.#separator);
      this.#head = '';
    }
    if (this.#quoted) {
      this.#out.push({ line: this.#recordLine, error: 'a quoted field is not closed before the end' });
      this.#reset();
    } else {
      this.#endRecord();
    }
    return this.#out.splice(0);
  }

  #consume(text: string, sep: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.#pendingCr) {
        this.#pendingCr = false;
        if (c === '\n') {
          continue;
        }
      }
      if (this.#quoted) {
        if (c === '"') {
          this.#quoted = false;
          this.#afterQuote = true;
        } else {
          if (c === '\n') {
            this.#line++;
          }
          this.#add(c);
        }
        continue;
      }
      if (c === sep) {
        this.#endField();
        continue;
      }
      if (c === '\n' || c === '\r') {
        this.#endRecord();
        this.#line++;
        this.#recordLine = this.#line;
        this.#pendingCr = c === '\r';
        continue;
      }
      if (c === '"') {
        if (this.#afterQuote) {
          // A doubled quote inside a quoted field.
          this.#quoted = true;
          this.#afterQuote = false;
          this.#add('"');
          continue;
        }
        if (!this.#fieldStarted) {
          this.#quoted = true;
          this.#fieldStarted = true;
          continue;
        }
      }
      // Text after a closing quote (`"a"b`) is kept as it stands, as spreadsheets read it.
      this.#afterQuote = false;
      this.#fieldStarted = true;
      this.#add(c);
    }
  }

  #add(c: string): void {
    this.#length++;
    if (this.#length > this.#maxRecordLength) {
      this.#tooLong = true;
      return;
    }
    this.#field += c;
  }

  #endField(): void {
    this.#fields.push(this.#field);
    this.#field = '';
    this.#fieldStarted = false;
    this.#afterQuote = false;
  }

  #endRecord(): void {
    const blank = this.#fields.length === 0 && this.#field === '' && !this.#fieldStarted;
    if (this.#tooLong) {
      this.#out.push({
        line: this.#recordLine,
        error: `the record is longer than ${this.#maxRecordLength} characters`,
      });
    } else if (!blank) {
      this.#endField();
      this.#out.push({ line: this.#recordLine, fields: this.#fields });
    }
    this.#reset();
  }

  #reset(): void {
    this.#fields = [];
    this.#field = '';
    this.#fieldStarted = false;
    this.#afterQuote = false;
    this.#quoted = false;
    this.#length = 0;
    this.#tooLong = false;
  }
}

/**
 * The field separator a CSV file uses: a semicolon where its header row has one outside quotes and
 * no comma (what spreadsheet software writes in locales with a decimal comma), else a comma.
 */
export function csvSeparator(headerLine: string): ',' | ';' {
  const bare = headerLine.replace(/"[^"]*"/g, '');
  return bare.includes(';') && !bare.includes(',') ? ';' : ',';
}
