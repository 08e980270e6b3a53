/**
 * The transparency report, as pure aggregation: legal requests by instrument and outcome for a period,
 * legal holds and complaints. A request still under a gag order at the report's generation time (JC-II)
 * is never counted individually: gagged requests appear only as one band over every instrument
 * ("0–249"), always printed — even at zero — and no number printed includes them, so nothing exact about
 * them can be recovered by subtracting one printed count from another.
 */
import { INSTRUMENTS, type Instrument } from '../domain/disclosure.js';

/**
 * The width of the band gagged requests are reported in. No profile states one; 250 follows the bands
 * US providers publish for national-security requests (0–249, 250–499, …).
 */
export const GAG_BAND_WIDTH = 250;

export const OUTCOMES = ['released', 'refused', 'pending', 'withdrawn'] as const;
export type Outcome = (typeof OUTCOMES)[number];

import type { RequestFacts } from '../domain/records.js';
import type { Translator } from '../domain/translator.js';

export interface InstrumentLine {
  instrument: Instrument;
  released: number;
  refused: number;
  pending: number;
  withdrawn: number;
  total: number;
}

export interface TransparencyReport {
  libraryId: string | null;
  /** [from, to): `to` is not included. */
  period: { from: string; to: string };
  generatedAt: string;
  requests: {
    /** Requests not under a gag at generation time, by instrument and outcome. */
    byInstrument: InstrumentLine[];
    /** The sum of `byInstrument`: requests not under a gag only. */
    ungaggedTotal: number;
    /** Requests under a gag at generation time: a band over every instrument, never an exact count. */
    gagged: { band: string; bandWidth: number };
  };
  legalHolds: { placed: number; released: number; liveAtEnd: number };
  complaints: { received: number; answered: number; overdue: number };
}

/** The outcome of a request as the report names it: released, refused, withdrawn, or still pending. */
export function outcomeOf(status: string): Outcome {
  if (status === 'released' || status === 'refused' || status === 'withdrawn') return status;
  return 'pending';
}

/** Whether a request's gag still holds at `at` (JC-II): it may not be counted individually. */
export function gagged(request: Pick<RequestFacts, 'gagUntil'>, at: Date): boolean {
  return request.gagUntil !== null && Date.parse(request.gagUntil) > at.getTime();
}

/** The band a count falls in: `0–249`, `250–499`, … (an en dash, as the published reports print it). */
export function band(count: number, width: number = GAG_BAND_WIDTH): string {
  const low = Math.floor(count / width) * width;
  return `${low}–${low + width - 1}`;
}

/** Counts requests by instrument and outcome; gagged ones only into the band. */
export function aggregateRequests(requests: readonly RequestFacts[], at: Date, width: number = GAG_BAND_WIDTH): TransparencyReport['requests'] {
  const lines = new Map<Instrument, InstrumentLine>(INSTRUMENTS.map((instrument) => [instrument, { instrument, released: 0, refused: 0, pending: 0, withdrawn: 0, total: 0 }]));
  let hidden = 0;
  for (const request of requests) {
    if (gagged(request, at)) {
      hidden++;
      continue;
    }
    const line = lines.get(request.instrument as Instrument);
    if (!line) continue; // an instrument this release does not know is not reported rather than guessed
    line[outcomeOf(request.status)]++;
    line.total++;
  }
  const byInstrument = [...lines.values()];
  return { byInstrument, ungaggedTotal: byInstrument.reduce((sum, l) => sum + l.total, 0), gagged: { band: band(hidden, width), bandWidth: width } };
}

/** An instrument as the report's table names it. */
const INSTRUMENT_KEYS: Record<Instrument, string> = {
  'informal-request': 'report.instrument.informal-request',
  'written-request': 'report.instrument.written-request',
  subpoena: 'report.instrument.subpoena',
  'search-warrant': 'report.instrument.search-warrant',
  'court-order': 'report.instrument.court-order',
  'fisa-or-nsl': 'report.instrument.fisa-or-nsl',
  'emergency-claim': 'report.instrument.emergency-claim',
  'patron-consent': 'report.instrument.patron-consent',
  'public-records-request': 'report.instrument.public-records-request',
  'materials-recovery': 'report.instrument.materials-recovery',
};

/** The report as Markdown, in the translator's language: the same numbers as the JSON document, nothing more. */
export function reportMarkdown(report: TransparencyReport, tr: Translator): string {
  const r = report.requests;
  const n = (value: number) => tr.count(value);
  const rows = r.byInstrument.map((l) => `| ${tr.t(INSTRUMENT_KEYS[l.instrument])} | ${n(l.released)} | ${n(l.refused)} | ${n(l.pending)} | ${n(l.withdrawn)} | ${n(l.total)} |`);
  return [
    `# ${report.libraryId ? tr.t('report.transparency.title', { library: report.libraryId }) : tr.t('report.transparency.titleAll')}`,
    '',
    tr.t('report.transparency.period', { from: tr.day(report.period.from), to: tr.day(report.period.to), generatedAt: tr.moment(report.generatedAt, 'UTC') }),
    '',
    `## ${tr.t('report.transparency.requests')}`,
    '',
    tr.t('report.transparency.requestsIntro'),
    '',
    tr.t('report.transparency.columns'),
    '|---|---|---|---|---|---|',
    ...rows,
    `| ${tr.t('report.transparency.all')} | ${n(sum(r, 'released'))} | ${n(sum(r, 'refused'))} | ${n(sum(r, 'pending'))} | ${n(sum(r, 'withdrawn'))} | ${n(r.ungaggedTotal)} |`,
    '',
    tr.t('report.transparency.gagged', { band: r.gagged.band, width: n(r.gagged.bandWidth) }),
    '',
    `## ${tr.t('report.transparency.holds')}`,
    '',
    tr.t('report.transparency.holdCounts', { placed: n(report.legalHolds.placed), released: n(report.legalHolds.released), live: n(report.legalHolds.liveAtEnd) }),
    '',
    `## ${tr.t('report.transparency.complaints')}`,
    '',
    tr.t('report.transparency.complaintCounts', { received: n(report.complaints.received), answered: n(report.complaints.answered), overdue: n(report.complaints.overdue) }),
    '',
  ].join('\n');
}

function sum(r: TransparencyReport['requests'], outcome: Outcome): number {
  return r.byInstrument.reduce((total, l) => total + l[outcome], 0);
}
