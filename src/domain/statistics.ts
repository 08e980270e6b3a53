/** The vocabulary of published statistics: what is counted, by which dimensions, cut by which period. */

/** The kinds of statistics a library publishes. */
export const STATISTICS_KINDS = ['circulation', 'registrations', 'programs', 'computer-use', 'vendor-sign-ins'] as const;
export type StatisticsKind = (typeof STATISTICS_KINDS)[number];
export const DIMENSIONS = ['period', 'branch', 'item-type', 'patron-category', 'age-band', 'vendor'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** How the period dimension is cut: by calendar month or year (a day is too fine to publish: its counts are too few). */
export const PERIODS = ['month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/**
 * The dimensions each kind is counted by. Sign-ins to vendors (issue 19) are counted per vendor and
 * month only: no branch, category or age band, so the count says how much a vendor is used and
 * nothing about who uses it (CB-D, RR-4, IF-4).
 */
export const KIND_DIMENSIONS: Record<StatisticsKind, readonly Dimension[]> = {
  circulation: ['period', 'branch', 'item-type', 'patron-category', 'age-band'],
  registrations: ['period', 'branch', 'patron-category', 'age-band'],
  programs: ['period', 'branch', 'patron-category', 'age-band'],
  'computer-use': ['period', 'branch', 'patron-category', 'age-band'],
  'vendor-sign-ins': ['period', 'vendor'],
};
