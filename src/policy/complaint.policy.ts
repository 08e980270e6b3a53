/**
 * Written complaints (JC-VIII): the director answers each one in a timely way.
 */

/**
 * Days the director has to answer a written complaint. JC-VIII asks for a "timely answer" without a
 * number; no profile states one yet, so Carrel uses 30 days for every library.
 */
export const COMPLAINT_ANSWER_DAYS = 30;
