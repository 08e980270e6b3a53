/**
 * The requests a SIP2 2.00 client (a self-check kiosk, a sorter) may send, as the 3M SIP2 Developer's
 * Guide lays them out: the two-digit command code, its fixed-length fields in wire order, then the
 * variable fields by two-letter id. The codec reads requests with these layouts; the server decides what
 * each one means.
 */

/** How one request is laid out on the wire. */
export interface RequestLayout {
  /** The command's name in the spec, for logs and error messages. */
  readonly name: string;
  /** Fixed-length fields after the command code, in wire order, as [name, width in characters]. */
  readonly fixed: readonly (readonly [string, number])[];
  /** Variable fields the request must carry (an empty value counts as present: kiosks send `AO|`). */
  readonly required: readonly string[];
  /** Variable fields the spec allows besides the required ones; others are kept too, never refused. */
  readonly optional: readonly string[];
}

/** An 18-character SIP2 date, `YYYYMMDDZZZZHHMMSS`. */
const DATE = 18;

/** The SIP2 2.00 requests Carrel reads, by command code. A code missing here is an unknown command. */
export const REQUEST_LAYOUTS: Record<string, RequestLayout> = {
  '93': {
    name: 'Login',
    fixed: [
      ['uidAlgorithm', 1],
      ['pwdAlgorithm', 1],
    ],
    required: ['CN', 'CO'],
    optional: ['CP'],
  },
  '99': {
    name: 'SC Status',
    fixed: [
      ['statusCode', 1],
      ['maxPrintWidth', 3],
      ['protocolVersion', 4],
    ],
    required: [],
    optional: [],
  },
  '97': { name: 'Request ACS Resend', fixed: [], required: [], optional: [] },
  '23': {
    name: 'Patron Status',
    fixed: [
      ['language', 3],
      ['transactionDate', DATE],
    ],
    required: ['AO', 'AA'],
    optional: ['AC', 'AD'],
  },
  '63': {
    name: 'Patron Information',
    fixed: [
      ['language', 3],
      ['transactionDate', DATE],
      ['summary', 10],
    ],
    required: ['AO', 'AA'],
    optional: ['AC', 'AD', 'BP', 'BQ'],
  },
  '11': {
    name: 'Checkout',
    fixed: [
      ['scRenewalPolicy', 1],
      ['noBlock', 1],
      ['transactionDate', DATE],
      ['nbDueDate', DATE],
    ],
    required: ['AO', 'AA', 'AB'],
    optional: ['AC', 'CH', 'AD', 'BO', 'BI'],
  },
  '09': {
    name: 'Checkin',
    fixed: [
      ['noBlock', 1],
      ['transactionDate', DATE],
      ['returnDate', DATE],
    ],
    required: ['AP', 'AO', 'AB'],
    optional: ['AC', 'CH', 'BI'],
  },
  '29': {
    name: 'Renew',
    fixed: [
      ['thirdPartyAllowed', 1],
      ['noBlock', 1],
      ['transactionDate', DATE],
      ['nbDueDate', DATE],
    ],
    required: ['AO', 'AA'],
    optional: ['AD', 'AB', 'AJ', 'AC', 'CH', 'BO'],
  },
  '65': {
    name: 'Renew All',
    fixed: [['transactionDate', DATE]],
    required: ['AO', 'AA'],
    optional: ['AD', 'AC', 'BO'],
  },
  '17': {
    name: 'Item Information',
    fixed: [['transactionDate', DATE]],
    required: ['AO', 'AB'],
    optional: ['AC'],
  },
  '37': {
    name: 'Fee Paid',
    fixed: [
      ['transactionDate', DATE],
      ['feeType', 2],
      ['paymentType', 2],
      ['currencyType', 3],
    ],
    required: ['BV', 'AO', 'AA'],
    optional: ['AC', 'AD', 'CG', 'BK'],
  },
  '35': {
    name: 'End Patron Session',
    fixed: [['transactionDate', DATE]],
    required: ['AO', 'AA'],
    optional: ['AC', 'AD'],
  },
  '15': {
    name: 'Hold',
    fixed: [
      ['holdMode', 1],
      ['transactionDate', DATE],
    ],
    required: ['AO', 'AA'],
    optional: ['BW', 'BS', 'BY', 'AD', 'AB', 'AJ', 'AC', 'BO'],
  },
  '01': {
    name: 'Block Patron',
    fixed: [
      ['cardRetained', 1],
      ['transactionDate', DATE],
    ],
    required: ['AO', 'AL', 'AA'],
    optional: ['AC'],
  },
};
