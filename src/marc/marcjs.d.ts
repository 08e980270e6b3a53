/** The few parts of marcjs (no types of its own) that Carrel uses: a record, its per-record parsers and formatters. */
declare module 'marcjs' {
  import type { Duplex } from 'node:stream';
  /** `[tag, value]` for a control field; `[tag, indicators, code, value, code, value…]` for a data field. */
  export type MarcField = string[];
  export class Record {
    leader: string;
    fields: MarcField[];
  }
  /** marcjs's own streaming ISO 2709 parser: the benchmark's floor. */
  export class Iso2709Parser extends Duplex {}
  export const Marc: {
    parse(raw: string | Buffer, type: 'iso2709' | 'marcxml'): Record;
    format(record: Record, type: 'iso2709' | 'marcxml'): string;
  };
}
