/**
 * The pages a patron sees while a vendor signs them in (issue 19): the card-and-PIN form, the consent
 * page, and a message page for a link that expired or a sign-in that was refused. Plain HTML from the
 * server, no script, no third-party asset; one inline style sheet allowed by a per-response nonce. Every
 * value is escaped. The words are collected in `WORDS`, so a translation replaces them in one place.
 */
import { randomBytes } from 'node:crypto';
import type { ExtraClaim } from '../domain/vendors.js';

/** Every string a patron reads on these pages. */
export const WORDS = {
  signInTitle: (vendor: string) => `Sign in to ${vendor}`,
  signInLead: (vendor: string, library: string) => `${vendor} uses your ${library} library card. Sign in with your card number and PIN.`,
  onlyTheFact: (vendor: string, library: string) =>
    `${vendor} will learn only that you are a patron of ${library}, under a name made up for ${vendor} alone: not your card number, not your name, nor anything you borrow.`,
  cardNumber: 'Card number',
  pin: 'PIN',
  signIn: 'Sign in',
  cancel: 'Cancel',
  forgotPin: 'Forgot your PIN?',
  wrongCard: 'The card number or PIN is wrong, or this card cannot be used to sign in. Ask at the desk if it keeps happening.',
  tooMany: 'Too many attempts from this place. Wait a few minutes and try again.',
  consentTitle: (vendor: string) => `What ${vendor} may know about you`,
  consentLead: (vendor: string, library: string) =>
    `${vendor} learns that you are a patron of ${library}. Its contract with the library lets it ask for more, if you agree. Tick what you agree to share; leave the rest.`,
  claim: { category: 'Your kind of card (adult, child, …)', age_band: 'Your age band (not your birth date)', name: 'Your name', email: 'Your email address' } satisfies Record<ExtraClaim, string>,
  consentRevocable: 'You can withdraw this at any time in your library account, under “Services you sign in to”.',
  continue: 'Continue',
  expiredTitle: 'This sign-in has expired',
  expiredText: 'Go back to the site you came from and sign in again.',
  refusedTitle: 'Sign-in was not completed',
  refusedText: 'Nothing was shared. Go back to the site you came from to try again.',
  signOutTitle: 'Sign out of the library’s services?',
  signOutText: 'You are signed in to services with your library card in this browser. Signing out ends that here; each service may keep you signed in on its own site.',
  signOut: 'Yes, sign me out',
  staySignedIn: 'No, stay signed in',
  signedOutTitle: 'You are signed out',
  signedOutText: 'Your library card is no longer signed in to services in this browser. Close the browser on a shared computer.',
  unavailableTitle: 'This service is not available',
  unavailableText: 'The library does not offer this service now. Ask at the desk.',
} as const;

export interface Page {
  html: string;
  /** The Content-Security-Policy the page needs (its style sheet's nonce, nothing else). */
  csp: string;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f6f4;color:#1b1b1b}
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;border:1px solid #ccc;border-radius:.5rem}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #767676;border-radius:.25rem}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.5rem 0}.choice label{margin:0;font-weight:400}
button{margin-top:1.2rem;margin-right:.5rem;padding:.55rem 1.2rem;font-size:1rem;border-radius:.25rem;border:1px solid #1d4f91;background:#1d4f91;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1d4f91}.error{color:#a4161a;font-weight:600}.note{color:#444;font-size:.9rem}
a{color:#1d4f91}`;

function page(title: string, body: string): Page {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
  // No form-action: a finished sign-in's form is answered with a redirect to the vendor, which browsers check against it.
  return { html, csp: `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'` };
}

/** The card-and-PIN form of a sign-in, posting to `action`; `problem` is shown above it. */
export function signInPage(input: {
  vendorName: string;
  libraryName: string;
  action: string;
  cancel: string;
  problem?: 'wrong-card' | 'too-many';
  /** Fields carried through the form unchanged (an EZproxy destination). */
  hidden?: Record<string, string>;
}): Page {
  const hidden = Object.entries(input.hidden ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const problem = input.problem === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.problem === 'too-many' ? WORDS.tooMany : WORDS.wrongCard)}</p>`;
  return page(
    WORDS.signInTitle(input.vendorName),
    `<h1>${escapeHtml(WORDS.signInTitle(input.vendorName))}</h1>
<p>${escapeHtml(WORDS.signInLead(input.vendorName, input.libraryName))}</p>
${problem}
<form method="post" action="${escapeHtml(input.action)}" autocomplete="off">${hidden}
<label for="card">${escapeHtml(WORDS.cardNumber)}</label><input type="text" id="card" name="card" inputmode="numeric" required maxlength="64" autocomplete="username">
<label for="pin">${escapeHtml(WORDS.pin)}</label><input type="password" id="pin" name="pin" required maxlength="64" autocomplete="current-password">
<button type="submit">${escapeHtml(WORDS.signIn)}</button><button type="submit" class="secondary" formaction="${escapeHtml(input.cancel)}" formnovalidate>${escapeHtml(WORDS.cancel)}</button>
</form>
<p class="note">${escapeHtml(WORDS.onlyTheFact(input.vendorName, input.libraryName))}</p>
<p class="note"><a href="/app/forgot-pin">${escapeHtml(WORDS.forgotPin)}</a></p>`,
  );
}

/** The consent page: one unticked box per claim asked, posting the ticked ones to `action`. */
export function consentPage(input: { vendorName: string; libraryName: string; ask: readonly ExtraClaim[]; action: string; cancel: string }): Page {
  const boxes = input.ask
    .map((c) => `<div class="choice"><input type="checkbox" id="claim-${c}" name="claim" value="${c}"><label for="claim-${c}">${escapeHtml(WORDS.claim[c])}</label></div>`)
    .join('\n');
  return page(
    WORDS.consentTitle(input.vendorName),
    `<h1>${escapeHtml(WORDS.consentTitle(input.vendorName))}</h1>
<p>${escapeHtml(WORDS.consentLead(input.vendorName, input.libraryName))}</p>
<form method="post" action="${escapeHtml(input.action)}">
<fieldset><legend>${escapeHtml(input.vendorName)}</legend>
${boxes}
</fieldset>
<button type="submit">${escapeHtml(WORDS.continue)}</button><button type="submit" class="secondary" formaction="${escapeHtml(input.cancel)}">${escapeHtml(WORDS.cancel)}</button>
</form>
<p class="note">${escapeHtml(WORDS.consentRevocable)}</p>`,
  );
}

/** A page that only says something: an expired link, a refused sign-in, a service not offered, signed out. */
export function messagePage(kind: 'expired' | 'refused' | 'unavailable' | 'signed-out'): Page {
  const words: Record<typeof kind, [string, string]> = {
    expired: [WORDS.expiredTitle, WORDS.expiredText],
    refused: [WORDS.refusedTitle, WORDS.refusedText],
    unavailable: [WORDS.unavailableTitle, WORDS.unavailableText],
    'signed-out': [WORDS.signedOutTitle, WORDS.signedOutText],
  };
  const [title, text] = words[kind];
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}

/**
 * The sign-out question (a vendor's site asked to sign the patron out). `form` is the provider's own
 * hidden form (its action and anti-forgery token, which it escapes); the buttons submit it.
 */
export function signOutPage(form: string): Page {
  return page(
    WORDS.signOutTitle,
    `<h1>${escapeHtml(WORDS.signOutTitle)}</h1>
<p>${escapeHtml(WORDS.signOutText)}</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">${escapeHtml(WORDS.signOut)}</button><button type="submit" class="secondary" form="op.logoutForm">${escapeHtml(WORDS.staySignedIn)}</button>`,
  );
}
