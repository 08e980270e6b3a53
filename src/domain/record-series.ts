/**
 * Record series kept outside Carrel: footage on a DVR, paper sign-up sheets, program media. Carrel holds
 * no record of them, only the register: what each series is, how long it may be kept (CB-H, RF-9,
 * JC-III…), and the confirmations that what was due has been destroyed. No personal data lives here.
 */
import type { Iso } from './types.js';

export interface RecordSeries {
  id: string;
  libraryId: string;
  /** Short code, unique in the library (`security-camera`). */
  code: string;
  name: string;
  /** What the records are on (digital video, paper…). */
  medium: string;
  /** Where they are kept, if the operator said (a DVR, a filing cabinet). */
  location: string | null;
  retentionDays: number;
  /** The clause the retention comes from; null for an operator's series with none. */
  clause: string | null;
  /** Declared by the library's policy profile (kept in step with it) rather than added by an operator. */
  fromProfile: boolean;
  createdAt: Iso;
}

/** A confirmation that everything of a series recorded before `disposedThrough` has been destroyed. */
export interface SeriesDisposal {
  id: string;
  seriesId: string;
  disposedThrough: Iso;
  method: string;
  /** The actor id of who confirmed (a staff account, or `system`). */
  confirmedBy: string;
  confirmedAt: Iso;
}
