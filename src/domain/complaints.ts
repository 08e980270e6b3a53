/** How a written complaint reached the library (JC-VIII). */
export const COMPLAINT_CHANNELS = ['letter', 'email', 'in-person', 'web-form', 'phone'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];
