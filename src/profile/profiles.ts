/**
 * Policy profiles: the six Carrel ships (`profiles/*.yaml`, one per library of CLAUSES.md plus
 * `strict-default`) and any an operator adds in CARREL_PROFILES_DIR. Each file is validated when it is
 * loaded; a broken file stops Carrel with an error naming the file, the field and the problem.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from 'typebox/value';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { INSTRUMENTS, type Instrument } from '../domain/disclosure.js';
import { ProfileDocument, type InstrumentRule, type Profile } from '../policy/profile.schema.js';

export const SHIPPED_PROFILES = ['strict-default', 'rio-rancho-nm', 'carlsbad-nm', 'jackson-county-or', 'ridgefield-ct', 'imagineif-mt'] as const;
export type ShippedProfileId = (typeof SHIPPED_PROFILES)[number];

export const DEFAULT_PROFILE: ShippedProfileId = 'strict-default';

/** A profile file that cannot be used: which file, which field, what is wrong. */
export class ProfileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field === '' ? '(document)' : field}: ${problem}`);
    this.name = 'ProfileError';
  }
}

/** The folder of shipped profiles: `profiles/` at the package root, found from this file's place. */
export function shippedProfilesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'profiles');
    if (existsSync(join(candidate, `${DEFAULT_PROFILE}.yaml`))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('The shipped policy profiles (profiles/*.yaml) are missing from this installation.');
}

/** "/retention/loans/months" → "retention.loans.months" */
function fieldOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** A profile file's text parsed as YAML and checked against the profile schema; ProfileError for the first problem. */
function checkedDocument(text: string, file: string): ProfileDocument {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    const line = error instanceof YAMLParseError && error.linePos ? `line ${error.linePos[0].line}` : '';
    throw new ProfileError(file, line, `not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ProfileError(file, '', 'a profile is a YAML mapping of fields');
  const errors = Value.Errors(ProfileDocument, raw);
  // An unknown field is reported before a missing one: a typo makes both, and the typo is the news.
  const first = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
  if (first) {
    // An unknown field is reported by name: it is most often a typo of a known one.
    const params = (first as { params?: { additionalProperties?: string[] } }).params;
    const extra = params?.additionalProperties?.[0];
    if (first.keyword === 'additionalProperties' && extra !== undefined)
      throw new ProfileError(file, [fieldOf(first.instancePath), extra].filter((p) => p !== '').join('.'), 'is not a field of a profile');
    if (first.keyword === 'required') {
      const missing = (first as { params?: { requiredProperties?: string[] } }).params?.requiredProperties?.[0];
      throw new ProfileError(file, [fieldOf(first.instancePath), missing ?? ''].filter((p) => p !== '').join('.'), 'is required');
    }
    throw new ProfileError(file, fieldOf(first.instancePath), first.message);
  }
  return raw as ProfileDocument;
}

/** The SHA-256 of a profile file's text: what the build's parsed copy of it is kept under. */
function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

let built: Map<string, ProfileDocument> | undefined;

/**
 * The shipped profiles as the build parsed and checked them against the schema (`dist/parsed-profiles.json`,
 * written by `npm run build`, each under the SHA-256 of its file's text). Reading the YAML and checking it
 * took most of a command's start (some 80 ms); a file whose text is not the one the build read is parsed
 * and checked as it is. Run from the sources (no dist/), there is none.
 */
function builtDocuments(): Map<string, ProfileDocument> {
  if (built) return built;
  built = new Map();
  const file = fileURLToPath(new URL('../../parsed-profiles.json', import.meta.url));
  if (existsSync(file)) for (const [digest, doc] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, ProfileDocument>)) built.set(digest, doc);
  return built;
}

/** The shipped profiles parsed and checked, by the SHA-256 of their text: what the build writes to dist/parsed-profiles.json. */
export function parsedShippedProfiles(): Record<string, ProfileDocument> {
  return Object.fromEntries(profileFiles(shippedProfilesDir()).map(({ file, text }) => [digestOf(text), checkedDocument(text, file)]));
}

/** Parses and validates one profile file; throws ProfileError for the first problem found. */
export function parseProfile(text: string, file: string): Profile {
  const doc = builtDocuments().get(digestOf(text)) ?? checkedDocument(text, file);
  const stem = basename(file).replace(/\.ya?ml$/, '');
  if (doc.id !== stem) throw new ProfileError(file, 'id', `must match the file name (${stem})`);
  const loans = doc.retention.loans;
  if (loans.after_return === 'keep-months' && loans.months === undefined) throw new ProfileError(file, 'retention.loans.months', 'is required when after_return is keep-months');
  if (loans.after_return === 'anonymise' && loans.months !== undefined) throw new ProfileError(file, 'retention.loans.months', 'applies only when after_return is keep-months');
  const codes = new Set<string>();
  doc.external_records.forEach((series, index) => {
    if (codes.has(series.code)) throw new ProfileError(file, `external_records.${index}.code`, `"${series.code}" is listed twice`);
    codes.add(series.code);
  });
  return toProfile(doc, file);
}

/**
 * What a profile that leaves out the access rules gets: the private choice for each (patrons are not
 * shared, a guardian sees what is out and owed only with the child's card, five failed PINs in fifteen
 * minutes lock a card, the access log is kept three years). The shipped profiles state every rule.
 */
export const DEFAULT_ACCESS: Profile['access'] = {
  sharedPatrons: { allowed: false, clause: 'RF-1', note: 'Not stated: patrons are not shared.' },
  guardians: { ageOfMajority: 18, withChildCard: 'current-circulation', withoutChildCard: 'none', clause: 'JC-IVc', note: 'Not stated: the narrowest view.' },
  patronLogin: { maxFailures: 5, windowMinutes: 15, clause: 'JC-IVa', note: 'Not stated: five failures in fifteen minutes.' },
};
export const DEFAULT_ACCESS_LOG_RETENTION: Profile['retention']['accessLog'] = { months: 36, clause: 'CB-F1', note: 'Not stated: three years.' };

/**
 * What a profile that leaves out the disclosure rules gets: the strictest reading. Only a court order
 * is accepted, after counsel has found it in proper form; the director decides; the patron is told at release (after any gag, JC-II). Everything else is refused.
 */
export const DEFAULT_DISCLOSURE: Profile['disclosure'] = {
  decidedBy: 'director',
  clause: 'CB-A7',
  note: 'Not stated: the strictest reading, a court order only.',
  instruments: Object.fromEntries(
    INSTRUMENTS.map((instrument): [Instrument, InstrumentRule] => [
      instrument,
      instrument === 'court-order'
        ? { permits: 'release', clause: 'CB-E1', counselReviewRequired: true, notifyPatron: 'at-release', note: 'Not stated: a court order in proper form.' }
        : { permits: 'refuse', clause: 'CB-A7', counselReviewRequired: false, notifyPatron: 'at-release', note: 'Not stated: only a court order is accepted.' },
    ]),
  ) as Record<Instrument, InstrumentRule>,
};

function toDisclosure(d: ProfileDocument['disclosure']): Profile['disclosure'] {
  if (!d) return DEFAULT_DISCLOSURE;
  const instruments = Object.fromEntries(
    INSTRUMENTS.map((instrument): [Instrument, InstrumentRule] => {
      const rule = d.instruments[instrument];
      return [
        instrument,
        {
          permits: rule.permits,
          clause: rule.clause,
          counselReviewRequired: rule.counsel_review_required ?? false,
          notifyPatron: rule.notify_patron ?? d.notify_patron,
          ...(rule.note ? { note: rule.note } : {}),
        },
      ];
    }),
  ) as Record<Instrument, InstrumentRule>;
  return { decidedBy: d.decided_by, clause: d.clause, ...(d.note ? { note: d.note } : {}), instruments };
}

function toProfile(doc: ProfileDocument, file: string): Profile {
  const r = doc.retention;
  const a = doc.access;
  const days = (rule: { days_after_end: number; clause: string; note?: string }) => ({ days: rule.days_after_end, clause: rule.clause, ...(rule.note ? { note: rule.note } : {}) });
  const note = (n?: string) => (n ? { note: n } : {});
  return {
    id: doc.id,
    name: doc.name,
    jurisdiction: doc.jurisdiction,
    version: doc.version,
    effective: doc.effective,
    ...(doc.source ? { source: doc.source } : {}),
    file,
    retention: {
      loans:
        r.loans.after_return === 'keep-months'
          ? { afterReturn: 'keep-months', months: r.loans.months as number, clause: r.loans.clause, ...note(r.loans.note) }
          : { afterReturn: 'anonymise', clause: r.loans.clause, ...note(r.loans.note) },
      readingHistory: { offered: r.reading_history.offered, clause: r.reading_history.clause, ...note(r.reading_history.note) },
      fines: { days: r.fines.days_after_settlement, clause: r.fines.clause, ...note(r.fines.note) },
      holds: { days: r.holds.days_after_end, clause: r.holds.clause, ...note(r.holds.note) },
      inactivePatrons: { months: r.inactive_patrons.months, sweep: r.inactive_patrons.sweep, clause: r.inactive_patrons.clause, ...note(r.inactive_patrons.note) },
      deceasedPatrons: { sweep: r.deceased_patrons.sweep, clause: r.deceased_patrons.clause, ...note(r.deceased_patrons.note) },
      accessLog: r.access_log ? { months: r.access_log.months, clause: r.access_log.clause, ...note(r.access_log.note) } : DEFAULT_ACCESS_LOG_RETENTION,
      computerSessions: days(r.computer_sessions),
      programSignups: days(r.program_signups),
      roomBookings: days(r.room_bookings),
      illRequests: days(r.ill_requests),
      referenceRequests: days(r.reference_requests),
      // Only when the profile says (as `notices` below): a silent profile keeps its fingerprint.
      ...(r.notices ? { notices: { days: r.notices.days_after_sent, clause: r.notices.clause, ...note(r.notices.note) } } : {}),
      ...(r.vendor_authorisations
        ? { vendorAuthorisations: { months: r.vendor_authorisations.months_after_last_use, clause: r.vendor_authorisations.clause, ...note(r.vendor_authorisations.note) } }
        : {}),
    },
    access: {
      sharedPatrons: a?.shared_patrons
        ? { allowed: a.shared_patrons.allowed, clause: a.shared_patrons.clause, ...note(a.shared_patrons.note) }
        : DEFAULT_ACCESS.sharedPatrons,
      guardians: a?.guardians
        ? {
            ageOfMajority: a.guardians.age_of_majority,
            withChildCard: a.guardians.with_child_card,
            withoutChildCard: a.guardians.without_child_card,
            clause: a.guardians.clause,
            ...note(a.guardians.note),
          }
        : DEFAULT_ACCESS.guardians,
      patronLogin: a?.patron_login
        ? { maxFailures: a.patron_login.max_failures, windowMinutes: a.patron_login.window_minutes, clause: a.patron_login.clause, ...note(a.patron_login.note) }
        : DEFAULT_ACCESS.patronLogin,
      // Only when the profile says: a profile that is silent keeps its fingerprint, and reads as 'none'.
      ...(a?.vendors
        ? {
            vendors: {
              attributes: a.vendors.attributes,
              ...(a.vendors.consented_claims ? { consentedClaims: a.vendors.consented_claims } : {}),
              clause: a.vendors.clause,
              ...note(a.vendors.note),
            },
          }
        : {}),
    },
    ...(doc.notices ? { notices: { titles: doc.notices.titles, clause: doc.notices.clause, ...note(doc.notices.note) } } : {}),
    disclosure: toDisclosure(doc.disclosure),
    externalRecords: doc.external_records.map((s) => ({ code: s.code, name: s.name, medium: s.medium, days: s.days, clause: s.clause, ...note(s.note) })),
    statistics: { smallCellThreshold: doc.statistics.small_cell_threshold, clause: doc.statistics.clause },
  };
}

/** Every profile Carrel can use, by id. */
export class ProfileRegistry {
  readonly #byId = new Map<string, Profile>();

  add(profile: Profile): void {
    const existing = this.#byId.get(profile.id);
    if (existing) throw new ProfileError(profile.file, 'id', `"${profile.id}" is already defined by ${existing.file}`);
    this.#byId.set(profile.id, profile);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The profile with this id; a library never points at an unknown one (checked when it is created). */
  get(id: string): Profile {
    const profile = this.#byId.get(id);
    if (!profile) throw new Error(`No policy profile "${id}" is loaded; is CARREL_PROFILES_DIR set as it was when the library was created?`);
    return profile;
  }

  all(): Profile[] {
    return [...this.#byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}

/** The profile files of a folder (`*.yaml`, `*.yml`), in name order, with their text. */
function profileFiles(dir: string): { file: string; text: string }[] {
  return readdirSync(dir)
    .sort()
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => ({ file: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }));
}

function readDir(registry: ProfileRegistry, dir: string): void {
  for (const { file, text } of profileFiles(dir)) registry.add(parseProfile(text, file));
}

/** Loads the shipped profiles and, if given, the operator's folder of profile files. */
export function loadProfiles(operatorDir?: string): ProfileRegistry {
  const registry = new ProfileRegistry();
  readDir(registry, shippedProfilesDir());
  for (const id of SHIPPED_PROFILES) if (!registry.has(id)) throw new Error(`The shipped profile ${id}.yaml is missing.`);
  if (operatorDir) {
    const dir = resolve(operatorDir);
    if (!existsSync(dir)) throw new ProfileError(dir, '', 'CARREL_PROFILES_DIR names a folder that does not exist');
    readDir(registry, dir);
  }
  return registry;
}

let loaded: ProfileRegistry | undefined;

/** The profiles of this process: shipped ones plus CARREL_PROFILES_DIR, loaded once. */
export function profiles(): ProfileRegistry {
  loaded ??= loadProfiles(process.env.CARREL_PROFILES_DIR || undefined);
  return loaded;
}
