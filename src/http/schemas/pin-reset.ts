/**
 * A forgotten PIN, reset by email (issue 18): public routes, no session. The routes' JSON Schemas (shown
 * in /openapi.json). Imports only typebox and src/domain.
 */
import { Type } from 'typebox';
import { CardNumber, throttledResponses } from './common.js';

const TAG = ['self-service'];

/** POST /api/v1/pin-reset/request */
export const RequestPinResetRoute = {
  tags: TAG,
  summary: 'Ask for a link by email to reset a forgotten PIN',
  description:
    'No log-in. When the card is in use and its patron has an email address, a link that sets a new PIN (once, within 30 minutes) is emailed to them; otherwise they reset the PIN at the desk. The answer is the same 202 `{}` whether or not the card exists, has an email address or is in use. Every request counts towards the per-address throttle (429 TOO_MANY_ATTEMPTS). The card number is sent in the body, never logged.',
  security: [],
  body: Type.Object({ cardNumber: CardNumber }, { additionalProperties: false }),
  response: { 202: Type.Object({}, { additionalProperties: false }), ...throttledResponses },
};

/** POST /api/v1/pin-reset */
export const ResetPinRoute = {
  tags: TAG,
  summary: 'Set a new PIN with the token of a reset link (what the page /app/pin-reset sends)',
  description:
    'No log-in: the token in the link is the proof. The new PIN is 4 to 12 digits. Every session of the patron ends; they log in with the new PIN. A token cut short, not Carrel’s, already used (the PIN has changed since it was issued) or more than 30 minutes old answers 400 PIN_RESET_TOKEN_INVALID and changes nothing. Failed attempts count towards the per-address throttle (429 TOO_MANY_ATTEMPTS). The token never appears in the server’s logs.',
  security: [],
  body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 1024 }), pin: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
  response: { 204: Type.Null(), ...throttledResponses },
};
