import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { luhnCheckDigit } from '../src/domain/card-number.js';

/**
 * Deterministic fixtures for `carrel import patrons|loans|holds|fines` (issue 21): Koha and Evergreen
 * exports of fictional people, with deliberate problems at known lines, and the catalogue (MARCXML, Koha
 * 952 holdings) their loans, holds and fines point at. Pure: a seeded generator (mulberry32), no clock, no
 * Math.random; the same options give byte-identical text.
 *
 * Line numbers count the header as line 1 (the first data row is line 2). No value ever holds a newline
 * or a tab, so a row is always exactly one physical line.
 *
 * The returned dates (issuedAt, dueDate, returnedAt) are calendar dates 'YYYY-MM-DD' as the file writes
 * them (library-local). The files write times as the systems do: Koha 'YYYY-MM-DD HH:MM:SS' with no zone
 * (date_due at 23:59:00), Evergreen 'YYYY-MM-DD HH:MM:SS-07' (US Pacific: -08 in winter; due_date at
 * 23:59:59). Times of day other than the due time are between 09:00 and 15:59, so they fall on the same
 * UTC date.
 */

export interface FixturePerson {
  line: number;
  card: string;
  /** firstName + ' ' + surname (firstName alone when the surname is missing). */
  name: string;
  firstName: string;
  surname: string;
  /** As valid data, 'YYYY-MM-DD'; null when the row's date is missing or bad. */
  birthDate: string | null;
  email: string | null;
  pin: string | null;
  scheme: 'bcrypt' | 'md5-base64' | 'evergreen' | 'md5' | 'none';
  category: string;
  branch: string;
  minor: boolean;
  guardianCard: string | null;
  optedIn: boolean;
  expected: 'imported' | 'rejected' | 'duplicate-card';
  rejectReason?: 'bad-date' | 'missing-name' | 'missing-birth-date';
  /** Set on the later of two rows with the same name, birth date and email (different cards): the earlier row's line. */
  identityDuplicateOf?: number;
  /** Set on a 'duplicate-card' row: the line of the card's first row. */
  cardDuplicateOf?: number;
  /** Evergreen second_given_name (not part of `name`); null when empty or Koha. */
  middleName?: string | null;
  /** Koha borrowers.privacy (0 = opted in). */
  privacy?: 0 | 1 | 2;
  /** Evergreen circ_history_start ('YYYY-MM-DD', at least 37 months before today) or null. */
  historySince?: string | null;
}

export interface PatronFixture {
  text: string;
  people: FixturePerson[];
  /** Every name (first, surname, full, middle, Koha othernames), email and plaintext PIN, without repeats. */
  secrets: string[];
  /** The distinct category (Koha categorycode / Evergreen profile) values in the file, in first-seen order. */
  categories: string[];
  /** The distinct branch (branchcode / home_ou) values in the file, in first-seen order. */
  branches: string[];
}

export interface FixtureTitle {
  controlNumber: string;
  barcodes: string[];
}

export interface CirculationOptions {
  people: FixturePerson[];
  titles: FixtureTitle[];
  today: string;
  seed?: number;
}

export interface CurrentLoan {
  line: number;
  card: string;
  barcode: string;
  issuedAt: string;
  dueDate: string;
  renewals: number;
}
export interface HistoryLoan {
  line: number;
  card: string;
  barcode: string;
  returnedAt: string;
  optedIn: boolean;
}
export interface LoanFixture {
  text: string;
  current: CurrentLoan[];
  history: HistoryLoan[];
}

export interface HoldFixture {
  text: string;
  queues: Map<string, string[]>;
  waiting: { line: number; card: string; barcode: string; controlNumber: string }[];
}

export interface FineFixture {
  text: string;
  open: { line: number; card: string; amountCents: number; kind: 'overdue' | 'lost' | 'fee' }[];
  paidRows: number;
}

// ---------------------------------------------------------------------------------------------------
// Randomness, dates, text

type Rand = () => number;

/** mulberry32, as test/fixtures/marc/generate.mjs. */
function random(seed: number): Rand {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (r: Rand, n: number): string => Array.from({ length: n }, () => String(int(r, 0, 9))).join('');
function shuffle<T>(r: Rand, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

const DAY = 86_400_000;
function dayOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`today must be YYYY-MM-DD, not ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY;
}
const iso = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
/** The same calendar day `years` earlier (29 February becomes 28 February). */
function yearsBefore(day: number, years: number): number {
  const d = new Date(day * DAY);
  const y = d.getUTCFullYear() - years;
  const m = d.getUTCMonth();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last)) / DAY;
}
const clock = (r: Rand): string => `${String(int(r, 9, 15)).padStart(2, '0')}:${String(int(r, 0, 59)).padStart(2, '0')}:${String(int(r, 0, 59)).padStart(2, '0')}`;
/** The day of the nth Sunday of a month (month 0-based). */
function sunday(year: number, month: number, nth: number): number {
  const first = Date.UTC(year, month, 1) / DAY;
  return first + ((7 - new Date(first * DAY).getUTCDay()) % 7) + 7 * (nth - 1);
}
/** Evergreen's timestamp, with the US Pacific offset of that day: -07 from the second Sunday of March to the first Sunday of November, else -08 (the times written are never within the 02:00 changeover). */
function egTime(day: number, time: string): string {
  const year = new Date(day * DAY).getUTCFullYear();
  const summer = day >= sunday(year, 2, 2) && day < sunday(year, 10, 1);
  return `${iso(day)} ${time}${summer ? '-07' : '-08'}`;
}

const md5hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');
const md5base64 = (text: string): string => createHash('md5').update(text, 'utf8').digest('base64').replace(/=+$/, '');

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A bcrypt salt from the generator (bcryptjs's own would be random): 21 characters and a canonical last one. */
function bcryptSalt(r: Rand, cost: number, minor: 'a' | 'b' = 'a'): string {
  let body = '';
  for (let i = 0; i < 21; i++) body += pick(r, [...BCRYPT_ALPHABET]);
  return `$2${minor}$${String(cost).padStart(2, '0')}$${body}${pick(r, ['.', 'O', 'e', 'u'])}`;
}
/** bcryptjs with a given salt is deterministic; remembered, so a second generation with the same seed is quick. */
const hashes = new Map<string, string>();
function bcryptWith(secret: string, salt: string): string {
  const key = `${secret}\u0000${salt}`;
  let hash = hashes.get(key);
  if (hash === undefined) {
    hash = bcrypt.hashSync(secret, salt);
    hashes.set(key, hash);
  }
  return hash;
}

/** RFC 4180: quoted when the value holds a comma, a quote or a line break; `""` for an empty non-null text. */
function csvField(value: string | null): string {
  if (value === null) return '';
  if (value === '') return '""';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
const csv = (header: readonly string[], rows: (string | null)[][]): string => [header.join(','), ...rows.map((row) => row.map(csvField).join(','))].join('\n') + '\n';
/** Koha's TSV: values never hold a tab, a newline or a double quote. */
const tsv = (header: readonly string[], rows: (string | null)[][]): string => [header.join('\t'), ...rows.map((row) => row.map((v) => v ?? '').join('\t'))].join('\n') + '\n';

const money = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

// ---------------------------------------------------------------------------------------------------
// People

const FIRST_NAMES = [
  'José', 'Zoë', 'Ælfred', 'Siobhán', 'Anaïs', 'Björn', 'Maëlle', 'Søren', 'Łucja', 'Grzegorz', 'Oluwaseun', 'Chiamaka',
  'Dagný', 'Íñigo', 'Renée', 'Noémie', 'Thảo', 'Hương', 'Mateo', 'Camila', 'Priyanka', 'Aarav', 'Kofi', 'Ngozi',
  'Mei-Ling', 'Hiroshi', 'Amélie', 'François', 'Eoghan', 'Niamh', 'Ciarán', 'Zdeněk', 'Tomás', 'Inés', 'Álvaro',
  'Leilani', 'Marisol', 'Oksana', 'Agnieszka', 'Jürgen', 'Gülay', 'Şebnem', 'Ragnhild', 'Aoife', "D'Andre", 'Mary-Kate',
  'Bartholomew', 'Ignatius', 'Thandiwe', 'Kwabena',
] as const;
const SURNAMES = [
  'Núñez', "O'Brien", 'Nguyễn', 'Müller', 'Østergaard', 'Łukasiewicz', 'Okonkwo', 'Adébáyọ̀', 'Fitzgerald', "D'Angelo",
  "O'Connor", 'van der Berg', 'de la Cruz', 'Håkansson', 'Wiśniewski', 'Papadopoulos', 'Kowalczyk', 'Tanaka',
  'Yamamoto', 'Haddad', 'Khoury', 'Abernathy', 'Quattlebaum', 'Thibodeaux', 'Lefèvre', 'Çelik', 'Þórsdóttir',
  'Mbeki', 'Oyelaran', 'Szabó', 'Dvořák', 'Ferreira', 'Castañeda', 'Lindqvist', "N'Diaye", 'MacAlister',
] as const;
const DOUBLE_SURNAMES = ['García Márquez', 'Smith-Jones', 'Sánchez Vicario', 'Ferreira da Silva', 'Pérez-Reverte', 'Lloyd-Ávila', 'Huỳnh-Trần'] as const;
const NICKNAMES = ['Pepito', 'Freddie', 'Shivvy', 'Bjössi', 'Chiquita', 'Tommaso'] as const;
const NOTES = ["Prefers large print; doesn't want phone calls", 'Card replaced after loss', 'Home delivery (mobility)', 'Moved from MPL', 'Volunteer at the Saturday story time'] as const;
const STREETS = ["Rue de l'Église", 'Calle Mayor', 'Elm Street', 'Côte-des-Neiges Road', "O'Higgins Avenue", 'Lindenstraße', 'Harbour View Terrace'] as const;
const CITIES: readonly [string, string, string, string][] = [
  ['Springfield', 'OR', '97477', 'USA'], ["Coeur d'Alene", 'ID', '83814', 'USA'], ['Montréal', 'QC', 'H3T 1J4', 'Canada'],
  ['Eugene', 'OR', '97401', 'USA'], ['Bend', 'OR', '97701', ''], ['Boise', 'ID', '83702', 'USA'],
];
const BAD_DATES = ['1987-13-45', '31/02/1990', '1990-02-30', '2001-00-10', '19xx-05-01', '12/25/1979'] as const;

function fold(text: string): string {
  return text
    .replace(/Æ/g, 'Ae').replace(/æ/g, 'ae').replace(/[Øø]/g, 'o').replace(/[Łł]/g, 'l').replace(/[Đđ]/g, 'd').replace(/ß/g, 'ss').replace(/[Þþ]/g, 'th')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9'-]/g, '');
}

type Role = 'clean' | 'bad-date' | 'missing-name' | 'missing-birth-date' | 'duplicate-card' | 'identity-duplicate';

interface Draft extends FixturePerson {
  role: Role;
  dobText: string;
  ageYears: number;
  phone: string | null;
  address: { street1: string; street2: string; city: string; state: string; zip: string; country: string } | null;
  expiry: number | null;
  passwordText: string;
  salt: string;
  nickname: string | null;
  sex: string;
  note: string;
}

type Flavour = 'koha' | 'evergreen';

function drafts(flavour: Flavour, count: number, seed: number, today: string): Draft[] {
  const r = random(seed ^ (flavour === 'koha' ? 0x4b6f6861 : 0x45766572));
  const now = dayOf(today);
  const adultCutoff = yearsBefore(now, 18);
  // Deliberate problems at known rows: never among the first ten (clean adults, so an earlier original and a guardian always exist).
  const share = (rate: number) => (count >= 20 ? Math.max(1, Math.round(count * rate)) : 0);
  const roles: Role[] = Array.from({ length: count }, () => 'clean');
  const slots = shuffle(r, Array.from({ length: Math.max(0, count - 10) }, (_, i) => i + 10));
  for (const [role, rate] of [['bad-date', 0.01], ['missing-name', 0.005], ['missing-birth-date', 0.005], ['duplicate-card', 0.005], ['identity-duplicate', 0.005]] as const) {
    for (let k = share(rate); k > 0 && slots.length > 0; k--) roles[slots.pop()!] = role;
  }

  const cards = new Set<string>();
  const emails = new Set<string>();
  const identities = new Set<string>();
  const originals = new Set<number>();
  const people: Draft[] = [];
  let bcryptRows = 0;

  const newCard = (): string => {
    for (;;) {
      const roll = r();
      let card: string;
      if (roll < 0.85) {
        const body = `2352900${digits(r, 6)}`;
        card = body + luhnCheckDigit(body);
      } else if (roll < 0.95) card = digits(r, int(r, 6, 9)).replace(/^0/, '1');
      else card = `${pick(r, ['JC', 'TMP', 'ILL'])}-${digits(r, 5)}`;
      if (!cards.has(card)) {
        cards.add(card);
        return card;
      }
    }
  };
  const newEmail = (first: string, surname: string): string => {
    const base = `${fold(first)}.${fold(surname).replace(/'/g, r() < 0.5 ? '' : "'")}`.replace(/^\.|\.$/g, '') || 'reader';
    const domain = r() < 0.7 ? 'example.org' : 'example.net';
    for (let n = 0; ; n++) {
      const email = `${base}${n === 0 ? '' : n + 1}@${domain}`;
      if (!emails.has(email)) {
        emails.add(email);
        return email;
      }
    }
  };
  const newPin = (): string => digits(r, int(r, 4, 6));

  for (let i = 0; i < count; i++) {
    const line = i + 2;
    const role = roles[i]!;
    let original: Draft | undefined;
    if (role === 'duplicate-card' || role === 'identity-duplicate') {
      const candidates = people.filter((p) => p.role === 'clean' && !originals.has(p.line) && !p.minor && (role === 'duplicate-card' || p.email !== null));
      original = pick(r, candidates);
      originals.add(original.line);
    }

    // Who: name and birth date, unique together (except the deliberate identity duplicate).
    const minor = role === 'clean' && i >= 10 && r() < 0.15;
    let firstName: string;
    let surname: string;
    let dob: number;
    for (;;) {
      firstName = pick(r, FIRST_NAMES);
      surname = r() < 0.12 ? pick(r, DOUBLE_SURNAMES) : pick(r, SURNAMES);
      dob = minor ? now - int(r, 3 * 366, 17 * 365) : now - int(r, 19 * 366, 92 * 365);
      const key = `${firstName}|${surname}|${iso(dob)}`;
      if (!identities.has(key)) {
        identities.add(key);
        break;
      }
    }
    let middleName: string | null = flavour === 'evergreen' && r() < 0.1 ? pick(r, FIRST_NAMES) : null;
    let email: string | null = i >= 10 && r() < (minor ? 0.5 : 0.12) ? null : newEmail(firstName, surname);
    if (role === 'identity-duplicate') {
      ({ firstName, surname, middleName } = { firstName: original!.firstName, surname: original!.surname, middleName: original!.middleName ?? null });
      dob = dayOf(original!.birthDate!);
      email = original!.email;
    }
    if (role === 'missing-name') surname = '';
    const birthDate = role === 'bad-date' || role === 'missing-birth-date' ? null : iso(dob);
    const dobText = role === 'bad-date' ? pick(r, BAD_DATES) : role === 'missing-birth-date' ? (flavour === 'koha' && r() < 0.5 ? '0000-00-00' : '') : iso(dob);
    const isMinor = birthDate !== null && dob > adultCutoff;
    const ageYears = Math.floor((now - dob) / 365.25);
    const card = role === 'duplicate-card' ? original!.card : newCard();

    // Category and branch.
    let category: string;
    if (flavour === 'koha') category = isMinor ? 'J' : r() < 0.02 ? 'ST' : ageYears >= 65 && r() < 0.6 ? 'SR' : 'PT';
    else category = isMinor ? 'Juvenile' : r() < 0.02 ? 'Staff' : 'Patrons';
    const branch = flavour === 'koha' ? pick(r, ['CPL', 'CPL', 'MPL', 'FPL']) : pick(r, ['BR1', 'BR1', 'BR2']);

    // Guardian: most minors have one, an adult imported earlier in the file.
    let guardianCard: string | null = null;
    if (isMinor && r() < 0.9) {
      const adults = people.filter((p) => p.role === 'clean' && !p.minor);
      guardianCard = pick(r, adults).card;
    }

    // PIN.
    let pin: string | null = newPin();
    let scheme: FixturePerson['scheme'];
    let passwordText: string;
    let salt = '';
    const roll = r();
    if (flavour === 'koha') {
      if (roll < 0.03) {
        scheme = 'none';
        pin = null;
        passwordText = r() < 0.7 ? '' : '!';
      } else if (roll < 0.08) {
        scheme = 'md5-base64';
        passwordText = md5base64(pin);
      } else {
        scheme = 'bcrypt';
        const cost = bcryptRows++ % 500 === 3 ? 8 : 4;
        passwordText = bcryptWith(pin, bcryptSalt(r, cost)).replace(/^\$2b\$/, '$2a$');
      }
    } else if (roll < 0.05) {
      scheme = 'md5';
      passwordText = md5hex(pin);
    } else {
      scheme = 'evergreen';
      salt = bcryptSalt(r, 4, r() < 0.7 ? 'a' : 'b');
      passwordText = bcryptWith(md5hex(salt + md5hex(pin)), salt);
    }

    const optedIn = r() < 0.2;
    const privacy: 0 | 1 | 2 = optedIn ? 0 : r() < 0.7 ? 1 : 2;
    const historySince = flavour === 'evergreen' && optedIn ? iso(now - int(r, 37 * 31, 72 * 30)) : null;
    const city = pick(r, CITIES);
    const address =
      r() < 0.1
        ? null
        : {
            street1: `${int(r, 1, 999)}${flavour === 'evergreen' && r() < 0.2 ? ',' : ''} ${pick(r, STREETS)}`,
            // Evergreen's CSV gets commas and quotes to quote; Koha's TSV never holds a double quote.
            street2: r() < 0.3 ? (flavour === 'koha' ? pick(r, ['Apt 4B', 'Unit 12, Building C', 'Flat 3']) : pick(r, ['Apt 4B', 'Unit 12, Building C', 'c/o "The Lodge"', 'Bldg "B"'])) : '',
            city: city[0],
            state: city[1],
            zip: city[2],
            country: city[3],
          };
    people.push({
      line,
      card,
      name: surname === '' ? firstName : `${firstName} ${surname}`,
      firstName,
      surname,
      birthDate,
      email,
      pin,
      scheme,
      category,
      branch,
      minor: isMinor,
      guardianCard,
      optedIn,
      expected: role === 'duplicate-card' ? 'duplicate-card' : role === 'bad-date' || role === 'missing-name' || role === 'missing-birth-date' ? 'rejected' : 'imported',
      ...(role === 'bad-date' || role === 'missing-name' || role === 'missing-birth-date' ? { rejectReason: role } : {}),
      ...(role === 'identity-duplicate' ? { identityDuplicateOf: original!.line } : {}),
      ...(role === 'duplicate-card' ? { cardDuplicateOf: original!.line } : {}),
      ...(flavour === 'koha' ? { privacy } : { middleName, historySince }),
      role,
      dobText,
      ageYears,
      phone: r() < 0.15 ? null : `(${pick(r, ['208', '541', '503'])}) 555-01${digits(r, 2)}`,
      address,
      expiry: r() < 0.08 ? null : now + int(r, -200, 1500),
      passwordText,
      salt,
      nickname: flavour === 'koha' && r() < 0.05 ? pick(r, NICKNAMES) : null,
      sex: pick(r, ['F', 'M', '', 'F', 'M']),
      note: r() < 0.06 ? pick(r, NOTES) : '',
    });
  }
  return people;
}


function fixture(text: string, people: Draft[]): PatronFixture {
  const secrets = new Set<string>();
  const categories = new Set<string>();
  const branches = new Set<string>();
  const persons: FixturePerson[] = people.map((p) => {
    for (const s of [p.firstName, p.surname, p.name, p.middleName ?? '', p.nickname ?? '', p.email ?? '', p.pin ?? '']) if (s !== '') secrets.add(s);
    categories.add(p.category);
    branches.add(p.branch);
    const { role: _role, dobText: _d, ageYears: _a, phone: _p, address: _ad, expiry: _e, passwordText: _pw, salt: _s, nickname: _n, sex: _x, note: _no, ...person } = p;
    return person;
  });
  return { text, people: persons, secrets: [...secrets], categories: [...categories], branches: [...branches] };
}

export const KOHA_PATRON_COLUMNS = [
  'cardnumber', 'surname', 'firstname', 'othernames', 'dateofbirth', 'sex', 'email', 'phone', 'address', 'address2', 'city', 'state', 'zipcode', 'country',
  'categorycode', 'branchcode', 'dateexpiry', 'password', 'privacy', 'borrowernotes', 'guarantor_cardnumber',
] as const;

/** A Koha borrowers export (TSV), with the extra columns othernames, sex and borrowernotes Carrel ignores. */
export function kohaPatrons(options: { count: number; seed?: number; today: string }): PatronFixture {
  const people = drafts('koha', options.count, options.seed ?? 21, options.today);
  const rows = people.map((p) => [
    p.card, p.surname, p.firstName, p.nickname ?? '', p.dobText, p.sex, p.email ?? '', p.phone ?? '',
    p.address?.street1 ?? '', p.address?.street2 ?? '', p.address?.city ?? '', p.address?.state ?? '', p.address?.zip ?? '', p.address?.country ?? '',
    p.category, p.branch, p.expiry === null ? '' : iso(p.expiry), p.passwordText, String(p.privacy), p.note, p.guardianCard ?? '',
  ]);
  return fixture(tsv(KOHA_PATRON_COLUMNS, rows), people);
}

export const EVERGREEN_PATRON_COLUMNS = [
  'barcode', 'family_name', 'first_given_name', 'second_given_name', 'dob', 'email', 'day_phone', 'street1', 'street2', 'city', 'state', 'post_code', 'country',
  'profile', 'home_ou', 'expire_date', 'passwd', 'salt', 'circ_history_start', 'guardian_barcode',
] as const;

/** An Evergreen actor.usr export (psql \copy … CSV HEADER): NULL is an empty field, an empty text is `""`. */
export function evergreenPatrons(options: { count: number; seed?: number; today: string }): PatronFixture {
  const people = drafts('evergreen', options.count, options.seed ?? 21, options.today);
  const rows = people.map((p) => [
    p.card, p.surname === '' ? null : p.surname, p.firstName, p.middleName ?? null, p.dobText === '' ? null : p.dobText, p.email, p.phone,
    p.address?.street1 ?? null, p.address ? p.address.street2 : null, p.address?.city ?? null, p.address?.state ?? null, p.address?.zip ?? null, p.address ? p.address.country || null : null,
    p.category, p.branch, p.expiry === null ? null : egTime(p.expiry, '23:59:59'), p.passwordText, p.salt === '' ? null : p.salt, p.historySince ?? null, p.guardianCard,
  ]);
  return fixture(csv(EVERGREEN_PATRON_COLUMNS, rows), people);
}

// ---------------------------------------------------------------------------------------------------
// Catalogue

const WORKS: readonly [string, string][] = [
  ['Les misérables', 'Hugo, Victor'], ['Germinal', 'Zola, Émile'], ['Don Quijote de la Mancha', 'Cervantes Saavedra, Miguel de'],
  ['Moby-Dick', 'Melville, Herman'], ['Walden', 'Thoreau, Henry David'], ['Faust', 'Goethe, Johann Wolfgang von'],
  ['Die Verwandlung', 'Kafka, Franz'], ['Peer Gynt', 'Ibsen, Henrik'], ['Os Lusíadas', 'Camões, Luís de'], ['I promessi sposi', 'Manzoni, Alessandro'],
  ['Middlemarch', 'Eliot, George'], ['Dracula', 'Stoker, Bram'], ['The time machine', 'Wells, H. G.'], ['Leaves of grass', 'Whitman, Walt'],
  ['Crime & punishment', 'Dostoyevsky, Fyodor'], ['Wuthering Heights', 'Brontë, Emily'],
];
const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * MARCXML for `carrel catalogue import FILE --mapping koha`: 001 the control number ('10001', '10002', … as
 * Koha's biblionumber), 245 and 100, and one 952 per copy ($a and $b the branch code, $o call number,
 * $p barcode, $v cost, $y 'BK'). Copies go round the branches. Item barcodes are 14 digits starting 39529.
 */
export function catalogueFor(options: { titles: number; copiesPerTitle: number; branches: string[]; seed?: number }): { marcxml: string; titles: FixtureTitle[] } {
  const r = random((options.seed ?? 21) ^ 0x4d415243);
  const used = new Set<string>();
  const titles: FixtureTitle[] = [];
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n<marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim">\n'];
  let copy = 0;
  for (let i = 0; i < options.titles; i++) {
    const [title, author] = WORKS[i % WORKS.length]!;
    const round = Math.floor(i / WORKS.length);
    const controlNumber = String(10001 + i);
    const year = 1950 + int(r, 0, 70);
    const barcodes: string[] = [];
    for (let c = 0; c < options.copiesPerTitle; c++) {
      let barcode: string;
      do barcode = `39529${digits(r, 9)}`;
      while (used.has(barcode));
      used.add(barcode);
      barcodes.push(barcode);
    }
    titles.push({ controlNumber, barcodes });
    out.push('<marc:record>\n  <marc:leader>00000nam a2200000 i 4500</marc:leader>\n');
    out.push(`  <marc:controlfield tag="001">${controlNumber}</marc:controlfield>\n  <marc:controlfield tag="003">KohaFixture</marc:controlfield>\n`);
    out.push(`  <marc:controlfield tag="008">070101s${year}    xx            000 1 und d</marc:controlfield>\n`);
    out.push(`  <marc:datafield tag="100" ind1="1" ind2=" ">\n    <marc:subfield code="a">${xml(author)}</marc:subfield>\n  </marc:datafield>\n`);
    out.push(`  <marc:datafield tag="245" ind1="1" ind2="0">\n    <marc:subfield code="a">${xml(title)}${round > 0 ? ` (${round + 1})` : ''}.</marc:subfield>\n  </marc:datafield>\n`);
    for (const barcode of barcodes) {
      const branch = options.branches[copy++ % options.branches.length]!;
      out.push(`  <marc:datafield tag="952" ind1=" " ind2=" ">\n`);
      for (const [code, value] of [['a', branch], ['b', branch], ['o', `FIC ${author.slice(0, 3).toUpperCase()}`], ['p', barcode], ['v', '25.00'], ['y', 'BK']] as const) {
        out.push(`    <marc:subfield code="${code}">${xml(value)}</marc:subfield>\n`);
      }
      out.push('  </marc:datafield>\n');
    }
    out.push('</marc:record>\n');
  }
  out.push('</marc:collection>\n');
  return { marcxml: out.join(''), titles };
}

// ---------------------------------------------------------------------------------------------------
// Loans

interface LoanPlan {
  person: FixturePerson;
  barcode: string;
  issued: number;
  due: number;
  returned: number | null;
  renewals: number;
  time: string;
}

const imported = (people: FixturePerson[]) => people.filter((p) => p.expected === 'imported');
/** The copies loans may use: all but the last copy of a title with two or more (that one is kept for waiting holds). */
const lendable = (titles: FixtureTitle[]) => titles.flatMap((t) => (t.barcodes.length >= 2 ? t.barcodes.slice(0, -1) : t.barcodes));

function planLoans(options: CirculationOptions & { historyPerPerson?: number }, salt: number): { current: LoanPlan[]; history: LoanPlan[] } {
  const r = random((options.seed ?? 21) ^ salt);
  const now = dayOf(options.today);
  const people = imported(options.people);
  const free = shuffle(r, lendable(options.titles));
  const all = options.titles.flatMap((t) => t.barcodes);
  const current: LoanPlan[] = [];
  for (const person of people) {
    if (r() >= 0.3) continue;
    for (let k = int(r, 1, 3); k > 0 && free.length > 0; k--) {
      const issued = now - int(r, 0, 30);
      current.push({ person, barcode: free.pop()!, issued, due: issued + int(r, 7, 28), returned: null, renewals: int(r, 0, 2), time: clock(r) });
    }
  }
  const history: LoanPlan[] = [];
  const perPerson = options.historyPerPerson ?? 1;
  const alternate = { in: 0, out: 0 };
  if (all.length > 0) {
    for (const person of people) {
      for (let k = 0; k < perPerson; k++) {
        // Alternately within and beyond 12 months in each group (opted in or not), never within a week of a whole year.
        const within = (person.optedIn ? alternate.in++ : alternate.out++) % 2 === 0;
        const ago = within ? int(r, 30, 357) : pick(r, [int(r, 373, 722), int(r, 738, 1095)]);
        const returned = now - ago;
        const issued = returned - int(r, 3, 28);
        history.push({ person, barcode: pick(r, all), issued, due: issued + 21, returned, renewals: int(r, 0, 1), time: clock(r) });
      }
    }
  }
  return { current, history };
}

function loanFixture(plan: { current: LoanPlan[]; history: LoanPlan[] }, render: (loan: LoanPlan) => (string | null)[], write: (rows: (string | null)[][]) => string): LoanFixture {
  const rows = [...plan.current, ...plan.history];
  return {
    text: write(rows.map(render)),
    current: plan.current.map((l, i) => ({ line: i + 2, card: l.person.card, barcode: l.barcode, issuedAt: iso(l.issued), dueDate: iso(l.due), renewals: l.renewals })),
    history: plan.history.map((l, i) => ({ line: plan.current.length + i + 2, card: l.person.card, barcode: l.barcode, returnedAt: iso(l.returned!), optedIn: l.person.optedIn })),
  };
}

export const KOHA_LOAN_COLUMNS = ['cardnumber', 'barcode', 'issuedate', 'date_due', 'returndate', 'renewals', 'branchcode', 'privacy'] as const;

/**
 * Koha issues + old_issues (TSV): current loans first (returndate empty), then history (returndate set).
 * About 30% of the imported people have one to three current loans, on distinct copies (never the last
 * copy of a title with two or more: kept for waiting holds); fewer when the catalogue runs out of copies.
 * Every imported person has `historyPerPerson` (default 1) returned loans, 1 to 36 months ago,
 * alternately within and beyond 12 months among the opted-in and among the others.
 */
export function kohaLoans(options: CirculationOptions & { historyPerPerson?: number }): LoanFixture {
  return loanFixture(
    planLoans(options, 0x10a45),
    (l) => [l.person.card, l.barcode, `${iso(l.issued)} ${l.time}`, `${iso(l.due)} 23:59:00`, l.returned === null ? '' : `${iso(l.returned)} ${l.time}`, String(l.renewals), l.person.branch, String(l.person.privacy ?? (l.person.optedIn ? 0 : 1))],
    (rows) => tsv(KOHA_LOAN_COLUMNS, rows),
  );
}

export const EVERGREEN_LOAN_COLUMNS = ['patron_barcode', 'item_barcode', 'xact_start', 'due_date', 'checkin_time', 'renewals', 'circ_lib', 'circ_history_start'] as const;

/** Evergreen action.circulation (CSV), the same plan as kohaLoans; circ_history_start is the patron's (empty when not opted in). */
export function evergreenLoans(options: CirculationOptions & { historyPerPerson?: number }): LoanFixture {
  const since = (p: FixturePerson) => (p.optedIn ? (p.historySince ?? iso(dayOf(options.today) - 40 * 31)) : null);
  return loanFixture(
    planLoans(options, 0x10a45),
    (l) => [l.person.card, l.barcode, egTime(l.issued, l.time), egTime(l.due, '23:59:59'), l.returned === null ? null : egTime(l.returned, l.time), String(l.renewals), l.person.branch, since(l.person)],
    (rows) => csv(EVERGREEN_LOAN_COLUMNS, rows),
  );
}

// ---------------------------------------------------------------------------------------------------
// Holds

interface HoldPlan {
  person: FixturePerson;
  title: FixtureTitle;
  placed: number;
  time: string;
  /** 0 for a waiting hold. */
  priority: number;
  barcode: string | null;
  waitingSince: number | null;
  expires: number | null;
}

function planHolds(options: CirculationOptions & { current?: { card: string; barcode: string }[] }): HoldPlan[] {
  const r = random((options.seed ?? 21) ^ 0x401d5);
  const now = dayOf(options.today);
  const people = imported(options.people);
  if (people.length === 0) return [];
  const onLoan = new Set((options.current ?? []).map((l) => l.barcode));
  const borrowing = new Set((options.current ?? []).map((l) => `${l.card}|${l.barcode}`));
  const holdsOf = new Map<string, number>();
  const plans: HoldPlan[] = [];
  for (const title of options.titles) {
    const taken = new Set<string>();
    const somebody = (): FixturePerson | undefined => {
      for (let tries = 0; tries < 20; tries++) {
        const p = pick(r, people);
        if (taken.has(p.card) || (holdsOf.get(p.card) ?? 0) >= 5 || title.barcodes.some((b) => borrowing.has(`${p.card}|${b}`))) continue;
        taken.add(p.card);
        holdsOf.set(p.card, (holdsOf.get(p.card) ?? 0) + 1);
        return p;
      }
      return undefined;
    };
    // A waiting hold on the title's last copy: one kohaLoans never lends (two or more copies), or a single copy not on loan in `current`.
    const shelf = title.barcodes[title.barcodes.length - 1];
    const canWait = shelf !== undefined && !onLoan.has(shelf) && (title.barcodes.length >= 2 || options.current !== undefined);
    if (canWait && r() < 0.1) {
      const person = somebody();
      if (person) {
        const waitingSince = now - int(r, 0, 5);
        plans.push({ person, title, placed: waitingSince - int(r, 3, 40), time: clock(r), priority: 0, barcode: shelf, waitingSince, expires: waitingSince + 7 + int(r, 2, 7) });
      }
    }
    if (r() < 0.25) {
      const n = int(r, 1, 5);
      let placed = now - int(r, 30, 90);
      for (let priority = 1; priority <= n; priority++) {
        const person = somebody();
        if (!person) break;
        placed += int(r, 0, 6);
        plans.push({ person, title, placed, time: clock(r), priority, barcode: null, waitingSince: null, expires: r() < 0.6 ? null : now + int(r, 30, 365) });
      }
    }
  }
  return plans;
}

function holdFixture(plans: HoldPlan[], render: (hold: HoldPlan) => (string | null)[], write: (rows: (string | null)[][]) => string): HoldFixture {
  const queues = new Map<string, string[]>();
  const waiting: HoldFixture['waiting'] = [];
  plans.forEach((h, i) => {
    if (h.priority === 0) waiting.push({ line: i + 2, card: h.person.card, barcode: h.barcode!, controlNumber: h.title.controlNumber });
    else queues.set(h.title.controlNumber, [...(queues.get(h.title.controlNumber) ?? []), h.person.card]);
  });
  return { text: write(plans.map(render)), queues, waiting };
}

export const KOHA_HOLD_COLUMNS = ['cardnumber', 'biblionumber', 'barcode', 'reservedate', 'priority', 'found', 'branchcode', 'expirationdate', 'waitingdate'] as const;

/**
 * Koha reserves (TSV), ORDER BY biblionumber, priority: queues of 1–5 people on about a quarter of the
 * titles (found empty, priority 1..n) and waiting holds (found 'W', priority 0, the title's last copy,
 * waitingdate 0–5 days ago, expirationdate in the future) on about a tenth. Give `current` (the loans
 * fixture's) to keep waiting copies and queued people off current loans; without it waiting holds are
 * only on titles with two or more copies.
 */
export function kohaHolds(options: CirculationOptions & { current?: { card: string; barcode: string }[] }): HoldFixture {
  return holdFixture(
    planHolds(options),
    (h) => [h.person.card, h.title.controlNumber, h.barcode ?? '', iso(h.placed), String(h.priority), h.priority === 0 ? 'W' : '', h.person.branch, h.expires === null ? '' : iso(h.expires), h.waitingSince === null ? '' : iso(h.waitingSince)],
    (rows) => tsv(KOHA_HOLD_COLUMNS, rows),
  );
}

export const EVERGREEN_HOLD_COLUMNS = ['patron_barcode', 'target_record', 'item_barcode', 'request_time', 'queue_position', 'capture_time', 'shelf_time', 'shelf_expire_time', 'pickup_lib', 'expire_time'] as const;

/** Evergreen action.hold_request (CSV), the same plan as kohaHolds: waiting holds have capture_time, shelf_time and shelf_expire_time, and no queue_position. */
export function evergreenHolds(options: CirculationOptions & { current?: { card: string; barcode: string }[] }): HoldFixture {
  return holdFixture(
    planHolds(options),
    (h) => {
      const waiting = h.waitingSince !== null;
      return [
        h.person.card, h.title.controlNumber, h.barcode, egTime(h.placed, h.time), waiting ? null : String(h.priority),
        waiting ? egTime(h.waitingSince!, h.time) : null, waiting ? egTime(h.waitingSince!, h.time) : null, waiting ? egTime(h.expires!, '23:59:59') : null,
        h.person.branch, !waiting && h.expires !== null ? egTime(h.expires, '23:59:59') : null,
      ];
    },
    (rows) => csv(EVERGREEN_HOLD_COLUMNS, rows),
  );
}

// ---------------------------------------------------------------------------------------------------
// Fines

interface FinePlan {
  person: FixturePerson;
  kind: 'overdue' | 'lost' | 'fee';
  cents: number;
  barcode: string | null;
  day: number;
  time: string;
  /** Koha only: written with six decimals, as a decimal(28,6) column comes out of a report. */
  long: boolean;
}

function planFines(options: CirculationOptions): FinePlan[] {
  const r = random((options.seed ?? 21) ^ 0xf1e5);
  const now = dayOf(options.today);
  const all = options.titles.flatMap((t) => t.barcodes);
  const plans: FinePlan[] = [];
  const fine = (person: FixturePerson, cents: number): FinePlan => {
    const roll = r();
    const kind = roll < 0.6 ? 'overdue' : roll < 0.8 ? 'lost' : 'fee';
    const amount = cents >= 0 ? cents : kind === 'overdue' ? 25 * int(r, 1, 40) : kind === 'lost' ? 100 * int(r, 15, 45) + pick(r, [0, 50, 99]) : 100 * int(r, 1, 5);
    return { person, kind, cents: amount, barcode: kind !== 'fee' && all.length > 0 ? pick(r, all) : null, day: now - int(r, 1, 400), time: clock(r), long: r() < 0.1 };
  };
  for (const person of imported(options.people)) {
    if (r() < 0.15) for (let k = int(r, 1, 2); k > 0; k--) plans.push(fine(person, -1));
    if (r() < 0.08) plans.push(fine(person, 0));
  }
  return plans;
}

function fineFixture(plans: FinePlan[], render: (fine: FinePlan) => (string | null)[], write: (rows: (string | null)[][]) => string): FineFixture {
  const open: FineFixture['open'] = [];
  plans.forEach((f, i) => {
    if (f.cents > 0) open.push({ line: i + 2, card: f.person.card, amountCents: f.cents, kind: f.kind });
  });
  return { text: write(plans.map(render)), open, paidRows: plans.length - open.length };
}

export const KOHA_FINE_COLUMNS = ['cardnumber', 'amountoutstanding', 'debit_type_code', 'date', 'barcode'] as const;
const KOHA_DEBIT = { overdue: 'OVERDUE', lost: 'LOST', fee: 'MANUAL' } as const;

/**
 * Koha accountlines debits (TSV): open fines on about 15% of the imported people (one or two each:
 * OVERDUE and LOST with a barcode, MANUAL without), and paid rows (amountoutstanding 0) on about 8%.
 * About a tenth of the amounts have six decimals ('2.500000'), as Koha's decimal(28,6) prints them.
 */
export function kohaFines(options: CirculationOptions): FineFixture {
  return fineFixture(
    planFines(options),
    (f) => [f.person.card, money(f.cents) + (f.long ? '0000' : ''), KOHA_DEBIT[f.kind], `${iso(f.day)} ${f.time}`, f.barcode ?? ''],
    (rows) => tsv(KOHA_FINE_COLUMNS, rows),
  );
}

export const EVERGREEN_FINE_COLUMNS = ['patron_barcode', 'balance_owed', 'btype', 'xact_start', 'item_barcode'] as const;
const EVERGREEN_BTYPE = { overdue: 'Overdue materials', lost: 'Lost Materials', fee: 'Miscellaneous' } as const;

/** Evergreen money.billable_xact_summary (CSV), the same plan as kohaFines: balance_owed '2.50', '0.00' when paid. */
export function evergreenFines(options: CirculationOptions): FineFixture {
  return fineFixture(
    planFines(options),
    (f) => [f.person.card, money(f.cents), EVERGREEN_BTYPE[f.kind], egTime(f.day, f.time), f.barcode],
    (rows) => csv(EVERGREEN_FINE_COLUMNS, rows),
  );
}
