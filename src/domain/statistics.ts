/** The vocabulary of published statistics: what is counted, by which dimensions, cut by which period. */

/** The kinds of statistics a library publishes. */
export const STATISTICS_KINDS = ['circulation', 'registrations', 'programs', 'computer-use'] as const;
export type StatisticsKind = (typeof STATISTICS_KINDS)[number];
export const DIMENSIONS = ['period', 'branch', 'item-type', 'patron-category', 'age-band'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** How the period dimension is cut: by calendar month or year (a day is too fine to publish: its counts are too few). */
export const PERIODS = ['month', 'year'] as const;
export type Period = (typeof PERIODS)[number];
