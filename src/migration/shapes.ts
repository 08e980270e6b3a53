/**
 * The shapes of the files an import reads (issue 21): Koha's columns (its database's own names, as the
 * export queries in docs/MIGRATING.md select them), Evergreen's, or a generic CSV whose mapping file
 * names a column for each field. A shape turns a file row into the row the use cases take; the values
 * it does not know stay in the file (the report lists the columns it read past).
 */
import { ErrorCode, refuse, type Problem, DomainError } from '../domain/errors.js';
import { type FineImportRow, type HoldImportRow, type ImportFormat, type ImportKind, type LoanImportRow, type PatronImportRow, type RowPin } from '../domain/import.rules.js';
import { evergreenPin, kohaPin, namedPin } from '../domain/pin-schemes.js';
import type { FileRow } from './import-file.js';

/** A shape: the columns it needs, those it reads, and how a row becomes the use case's row. */
export interface Shape<R> {
  required: string[];
  known: string[];
  row(row: FileRow): R;
  /** The codes a row uses that the mapping must map (categories, branches, fine codes). */
  codes(row: FileRow): { category?: string; branch?: string; fineKind?: string };
}

type Cells = Record<string, string>;
const cell = (cells: Cells, column: string | undefined) => (column === undefined ? '' : (cells[column] ?? '').trim());
const joined = (...parts: string[]) => parts.filter((p) => p !== '').join(', ');
const yes = (text: string) => /^(1|y|yes|true|t|s|si|sí)$/i.test(text.trim());

// ── Koha ───────────────────────────────────────────────────────────────────────────────────────

const kohaPatrons: Shape<PatronImportRow> = {
  required: ['cardnumber', 'surname', 'dateofbirth', 'categorycode'],
  known: ['cardnumber', 'surname', 'firstname', 'dateofbirth', 'email', 'phone', 'mobile', 'address', 'address2', 'city', 'state', 'zipcode', 'country', 'categorycode', 'branchcode', 'dateexpiry', 'dateenrolled', 'password', 'privacy', 'guarantor_cardnumber', 'lost', 'debarred'],
  row: ({ line, cells }) => {
    const surname = cell(cells, 'surname');
    const pin = kohaPin(cell(cells, 'password'));
    return {
      line,
      cardNumber: cell(cells, 'cardnumber'),
      // Koha requires a surname; a row without one has no name Carrel can register.
      name: surname === '' ? '' : `${cell(cells, 'firstname')} ${surname}`.trim(),
      birthDate: cell(cells, 'dateofbirth'),
      email: cell(cells, 'email'),
      phone: cell(cells, 'phone') || cell(cells, 'mobile'),
      address: joined(cell(cells, 'address'), cell(cells, 'address2'), cell(cells, 'city'), `${cell(cells, 'state')} ${cell(cells, 'zipcode')}`.trim(), cell(cells, 'country')),
      category: cell(cells, 'categorycode'),
      branch: cell(cells, 'branchcode'),
      expiresAt: cell(cells, 'dateexpiry'),
      pin: pin ?? { scheme: 'unknown' },
      // Koha's privacy: 0 keeps the borrower's history forever (they chose it), 1 the library's default, 2 never.
      readingHistory: cell(cells, 'privacy') === '0',
      readingHistorySince: cell(cells, 'dateenrolled'),
      guardianCard: cell(cells, 'guarantor_cardnumber'),
      standing: { lost: cell(cells, 'lost'), debarredUntil: cell(cells, 'debarred') },
    };
  },
  codes: ({ cells }) => ({ category: cell(cells, 'categorycode'), branch: cell(cells, 'branchcode') }),
};

const kohaLoans: Shape<LoanImportRow> = {
  required: ['cardnumber', 'barcode', 'issuedate', 'date_due'],
  known: ['cardnumber', 'barcode', 'issuedate', 'date_due', 'returndate', 'renewals', 'renewals_count', 'branchcode', 'privacy'],
  row: ({ line, cells }) => ({
    line,
    cardNumber: cell(cells, 'cardnumber'),
    itemBarcode: cell(cells, 'barcode'),
    checkedOutAt: cell(cells, 'issuedate'),
    dueAt: cell(cells, 'date_due'),
    returnedAt: cell(cells, 'returndate'),
    renewals: cell(cells, 'renewals') || cell(cells, 'renewals_count'),
    branch: cell(cells, 'branchcode'),
    readingHistory: cell(cells, 'privacy') === '0',
  }),
  codes: ({ cells }) => ({ branch: cell(cells, 'branchcode') }),
};

const kohaHolds: Shape<HoldImportRow> = {
  required: ['cardnumber', 'reservedate', 'branchcode'],
  known: ['cardnumber', 'biblionumber', 'barcode', 'reservedate', 'priority', 'found', 'branchcode', 'expirationdate', 'waitingdate'],
  row: ({ line, cells }) => {
    const waiting = cell(cells, 'found').toUpperCase() === 'W';
    return {
      line,
      cardNumber: cell(cells, 'cardnumber'),
      record: cell(cells, 'biblionumber'),
      itemBarcode: cell(cells, 'barcode'),
      placedAt: waiting ? cell(cells, 'waitingdate') || cell(cells, 'reservedate') : cell(cells, 'reservedate'),
      status: waiting ? 'waiting' : 'queued',
      pickupBranch: cell(cells, 'branchcode'),
      expiresAt: cell(cells, 'expirationdate'),
    };
  },
  codes: ({ cells }) => ({ branch: cell(cells, 'branchcode') }),
};

const kohaFines: Shape<FineImportRow> = {
  required: ['cardnumber', 'amountoutstanding', 'date'],
  known: ['cardnumber', 'amount', 'amountoutstanding', 'debit_type_code', 'accounttype', 'date', 'barcode'],
  row: ({ line, cells }) => ({
    line,
    cardNumber: cell(cells, 'cardnumber'),
    amount: cell(cells, 'amountoutstanding'),
    originalAmount: cell(cells, 'amount'),
    kind: cell(cells, 'debit_type_code') || cell(cells, 'accounttype'),
    createdAt: cell(cells, 'date'),
    itemBarcode: cell(cells, 'barcode'),
  }),
  codes: ({ cells }) => ({ fineKind: cell(cells, 'debit_type_code') || cell(cells, 'accounttype') }),
};

// ── Evergreen ──────────────────────────────────────────────────────────────────────────────────

const evergreenPatrons: Shape<PatronImportRow> = {
  required: ['barcode', 'family_name', 'dob', 'profile'],
  known: ['barcode', 'family_name', 'first_given_name', 'dob', 'email', 'day_phone', 'evening_phone', 'other_phone', 'street1', 'street2', 'city', 'state', 'post_code', 'country', 'profile', 'home_ou', 'expire_date', 'create_date', 'passwd', 'salt', 'circ_history_start', 'guardian_barcode', 'barred', 'active'],
  row: ({ line, cells }) => {
    const family = cell(cells, 'family_name');
    const pin = evergreenPin(cell(cells, 'passwd'), cell(cells, 'salt'));
    const since = cell(cells, 'circ_history_start');
    return {
      line,
      cardNumber: cell(cells, 'barcode'),
      name: family === '' ? '' : `${cell(cells, 'first_given_name')} ${family}`.trim(),
      birthDate: cell(cells, 'dob'),
      email: cell(cells, 'email'),
      phone: cell(cells, 'day_phone') || cell(cells, 'evening_phone') || cell(cells, 'other_phone'),
      address: joined(cell(cells, 'street1'), cell(cells, 'street2'), cell(cells, 'city'), `${cell(cells, 'state')} ${cell(cells, 'post_code')}`.trim(), cell(cells, 'country')),
      category: cell(cells, 'profile'),
      branch: cell(cells, 'home_ou'),
      expiresAt: cell(cells, 'expire_date'),
      pin: pin ?? { scheme: 'unknown' },
      // history.circ.retention_start: set when the patron chose to keep their circulation history.
      readingHistory: since !== '',
      readingHistorySince: since || cell(cells, 'create_date'),
      guardianCard: cell(cells, 'guardian_barcode'),
      standing: { barred: cell(cells, 'barred'), inactive: /^(f|false|0)$/i.test(cell(cells, 'active')) ? 't' : '' },
    };
  },
  codes: ({ cells }) => ({ category: cell(cells, 'profile'), branch: cell(cells, 'home_ou') }),
};

const evergreenLoans: Shape<LoanImportRow> = {
  required: ['patron_barcode', 'item_barcode', 'xact_start', 'due_date'],
  known: ['patron_barcode', 'item_barcode', 'xact_start', 'due_date', 'checkin_time', 'renewals', 'circ_lib', 'circ_history_start'],
  row: ({ line, cells }) => ({
    line,
    cardNumber: cell(cells, 'patron_barcode'),
    itemBarcode: cell(cells, 'item_barcode'),
    checkedOutAt: cell(cells, 'xact_start'),
    dueAt: cell(cells, 'due_date'),
    returnedAt: cell(cells, 'checkin_time'),
    renewals: cell(cells, 'renewals'),
    branch: cell(cells, 'circ_lib'),
    readingHistory: cell(cells, 'circ_history_start') !== '',
  }),
  codes: ({ cells }) => ({ branch: cell(cells, 'circ_lib') }),
};

const evergreenHolds: Shape<HoldImportRow> = {
  required: ['patron_barcode', 'request_time', 'pickup_lib'],
  known: ['patron_barcode', 'target_record', 'item_barcode', 'request_time', 'queue_position', 'capture_time', 'shelf_time', 'shelf_expire_time', 'pickup_lib', 'expire_time'],
  row: ({ line, cells }) => {
    const waiting = cell(cells, 'shelf_time') !== '';
    return {
      line,
      cardNumber: cell(cells, 'patron_barcode'),
      record: cell(cells, 'target_record'),
      itemBarcode: cell(cells, 'item_barcode'),
      placedAt: waiting ? cell(cells, 'shelf_time') : cell(cells, 'request_time'),
      status: waiting ? 'waiting' : 'queued',
      pickupBranch: cell(cells, 'pickup_lib'),
      expiresAt: waiting ? cell(cells, 'shelf_expire_time') : cell(cells, 'expire_time'),
    };
  },
  codes: ({ cells }) => ({ branch: cell(cells, 'pickup_lib') }),
};

const evergreenFines: Shape<FineImportRow> = {
  required: ['patron_barcode', 'balance_owed', 'xact_start'],
  known: ['patron_barcode', 'total_owed', 'balance_owed', 'btype', 'xact_start', 'item_barcode'],
  row: ({ line, cells }) => ({
    line,
    cardNumber: cell(cells, 'patron_barcode'),
    amount: cell(cells, 'balance_owed'),
    originalAmount: cell(cells, 'total_owed'),
    kind: cell(cells, 'btype'),
    createdAt: cell(cells, 'xact_start'),
    itemBarcode: cell(cells, 'item_barcode'),
  }),
  codes: ({ cells }) => ({ fineKind: cell(cells, 'btype') }),
};

// ── A generic CSV: the mapping names the file's column for each field ────────────────────────────

/** The fields of each kind a generic CSV's mapping names columns for; the starred ones are required. */
export const CSV_FIELDS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  patrons: {
    required: ['cardNumber', 'birthDate', 'category'],
    optional: ['name', 'surname', 'firstName', 'email', 'phone', 'address', 'branch', 'expiresAt', 'pin', 'pinHash', 'pinScheme', 'pinSalt', 'readingHistory', 'readingHistorySince', 'guardianCard', 'status'],
  },
  loans: { required: ['cardNumber', 'itemBarcode', 'checkedOutAt'], optional: ['dueAt', 'returnedAt', 'renewals', 'branch', 'readingHistory'] },
  holds: { required: ['cardNumber', 'placedAt', 'pickupBranch'], optional: ['record', 'itemBarcode', 'status', 'expiresAt'] },
  fines: { required: ['cardNumber', 'amount', 'createdAt'], optional: ['kind', 'itemBarcode', 'originalAmount'] },
};

function csvPin(cells: Cells, columns: Record<string, string>): RowPin {
  const plain = cell(cells, columns.pin);
  if (plain !== '') return { scheme: 'plain', pin: plain };
  const hash = cell(cells, columns.pinHash);
  if (hash === '') return { scheme: 'none', stored: '' };
  return namedPin(cell(cells, columns.pinScheme), hash, cell(cells, columns.pinSalt)) ?? { scheme: 'unknown' };
}

function csvShape(kind: ImportKind, columns: Record<string, string>): Shape<PatronImportRow | LoanImportRow | HoldImportRow | FineImportRow> {
  const fields = CSV_FIELDS[kind];
  const problems: Problem[] = [];
  for (const field of fields.required) if (!columns[field]) problems.push({ code: ErrorCode.IMPORT_MAPPING_INCOMPLETE, message: `columns: name the file's column for ${field}.`, field: 'columns' });
  if (kind === 'patrons' && !columns.name && !columns.surname) problems.push({ code: ErrorCode.IMPORT_MAPPING_INCOMPLETE, message: 'columns: name the file’s column for name (or surname and firstName).', field: 'columns' });
  for (const field of Object.keys(columns)) if (![...fields.required, ...fields.optional].includes(field)) problems.push({ code: ErrorCode.IMPORT_MAPPING_INCOMPLETE, message: `columns: ${field} is not a field of a ${kind} import (${[...fields.required, ...fields.optional].join(', ')}).`, field: 'columns' });
  if (problems.length > 0) throw new DomainError(problems);
  const required = fields.required.map((f) => columns[f]!.toLowerCase());
  const known = Object.values(columns).map((v) => v.toLowerCase());
  const lower: Record<string, string> = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v.toLowerCase()]));
  const get = (cells: Cells, field: string) => cell(cells, lower[field]);
  switch (kind) {
    case 'patrons':
      return {
        required,
        known,
        row: ({ line, cells }): PatronImportRow => {
          const surname = get(cells, 'surname');
          const name = lower.name ? get(cells, 'name') : surname === '' ? '' : `${get(cells, 'firstName')} ${surname}`.trim();
          return {
            line,
            cardNumber: get(cells, 'cardNumber'),
            name,
            birthDate: get(cells, 'birthDate'),
            email: get(cells, 'email'),
            phone: get(cells, 'phone'),
            address: get(cells, 'address'),
            category: get(cells, 'category'),
            branch: get(cells, 'branch'),
            expiresAt: get(cells, 'expiresAt'),
            pin: csvPin(cells, lower),
            readingHistory: yes(get(cells, 'readingHistory')),
            readingHistorySince: get(cells, 'readingHistorySince'),
            guardianCard: get(cells, 'guardianCard'),
            standing: { status: get(cells, 'status') },
          };
        },
        codes: ({ cells }) => ({ category: get(cells, 'category'), branch: get(cells, 'branch') }),
      };
    case 'loans':
      return {
        required,
        known,
        row: ({ line, cells }): LoanImportRow => ({
          line,
          cardNumber: get(cells, 'cardNumber'),
          itemBarcode: get(cells, 'itemBarcode'),
          checkedOutAt: get(cells, 'checkedOutAt'),
          dueAt: get(cells, 'dueAt'),
          returnedAt: get(cells, 'returnedAt'),
          renewals: get(cells, 'renewals'),
          branch: get(cells, 'branch'),
          readingHistory: yes(get(cells, 'readingHistory')),
        }),
        codes: ({ cells }) => ({ branch: get(cells, 'branch') }),
      };
    case 'holds':
      return {
        required,
        known,
        row: ({ line, cells }): HoldImportRow => ({
          line,
          cardNumber: get(cells, 'cardNumber'),
          record: get(cells, 'record'),
          itemBarcode: get(cells, 'itemBarcode'),
          placedAt: get(cells, 'placedAt'),
          status: /^(waiting|ready|w)$/i.test(get(cells, 'status')) ? 'waiting' : 'queued',
          pickupBranch: get(cells, 'pickupBranch'),
          expiresAt: get(cells, 'expiresAt'),
        }),
        codes: ({ cells }) => ({ branch: get(cells, 'pickupBranch') }),
      };
    case 'fines':
      return {
        required,
        known,
        row: ({ line, cells }): FineImportRow => ({
          line,
          cardNumber: get(cells, 'cardNumber'),
          amount: get(cells, 'amount'),
          originalAmount: get(cells, 'originalAmount'),
          kind: get(cells, 'kind'),
          createdAt: get(cells, 'createdAt'),
          itemBarcode: get(cells, 'itemBarcode'),
        }),
        codes: ({ cells }) => ({ fineKind: get(cells, 'kind') }),
      };
  }
}

const SHAPES = {
  koha: { patrons: kohaPatrons, loans: kohaLoans, holds: kohaHolds, fines: kohaFines },
  evergreen: { patrons: evergreenPatrons, loans: evergreenLoans, holds: evergreenHolds, fines: evergreenFines },
} as const;

/** The shape of a file of `kind` in `format`; a generic CSV's comes from its mapping's columns. */
export function shapeOf(format: ImportFormat, kind: ImportKind, columns: Record<string, string> | undefined): Shape<PatronImportRow | LoanImportRow | HoldImportRow | FineImportRow> {
  if (format === 'csv') {
    if (!columns) throw refuse(ErrorCode.IMPORT_MAPPING_INCOMPLETE, 'A generic CSV needs a mapping file whose "columns" name the file’s column for each field.', 'columns');
    return csvShape(kind, columns);
  }
  return SHAPES[format][kind] as Shape<PatronImportRow | LoanImportRow | HoldImportRow | FineImportRow>;
}

/** Refuses a file whose header lacks a column the shape needs (before a row is read). */
export function checkHeader(shape: Shape<unknown>, header: readonly string[], format: ImportFormat, kind: ImportKind): void {
  const missing = shape.required.filter((c) => !header.includes(c));
  if (missing.length > 0) throw refuse(ErrorCode.IMPORT_FAILED, `The file's header lacks the column(s) ${missing.join(', ')} that a ${format} ${kind} file has (see docs/MIGRATING.md).`, 'file');
}
