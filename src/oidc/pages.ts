/**
 * The pages a patron sees while a vendor signs them in (issue 19): the card-and-PIN form, the consent
 * page, and a message page for a link that expired or a sign-in that was refused. Plain HTML from the
 * server, no script, no third-party asset; one inline style sheet allowed by a per-response nonce. Every
 * value is escaped. The words are the message catalogue's (`signin.*`), in the language the browser asks for.
 */
import { randomBytes } from 'node:crypto';
import type { Translator } from '../domain/translator.js';
import type { ExtraClaim } from '../domain/vendors.js';

/** Every string a patron reads on these pages. */
/** The claims a patron may agree to share, in words (`signin.claim.*`). */
const CLAIM_WORDS: Record<ExtraClaim, string> = {
  category: 'signin.claim.category',
  age_band: 'signin.claim.age_band',
  name: 'signin.claim.name',
  email: 'signin.claim.email',
};

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

function page(tr: Translator, title: string, body: string): Page {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="${escapeHtml(tr.language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
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
}, tr: Translator): Page {
  const hidden = Object.entries(input.hidden ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const problem = input.problem === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.problem === 'too-many' ? tr.t('signin.tooMany') : tr.t('signin.wrongCard'))}</p>`;
  const names = { vendor: input.vendorName, library: input.libraryName };
  return page(
    tr,
    tr.t('signin.signInTitle', names),
    `<h1>${escapeHtml(tr.t('signin.signInTitle', names))}</h1>
<p>${escapeHtml(tr.t('signin.signInLead', names))}</p>
${problem}
<form method="post" action="${escapeHtml(input.action)}" autocomplete="off">${hidden}
<label for="card">${escapeHtml(tr.t('signin.cardNumber'))}</label><input type="text" id="card" name="card" inputmode="numeric" required maxlength="64" autocomplete="username">
<label for="pin">${escapeHtml(tr.t('signin.pin'))}</label><input type="password" id="pin" name="pin" required maxlength="64" autocomplete="current-password">
<button type="submit">${escapeHtml(tr.t('signin.signIn'))}</button><button type="submit" class="secondary" formaction="${escapeHtml(input.cancel)}" formnovalidate>${escapeHtml(tr.t('signin.cancel'))}</button>
</form>
<p class="note">${escapeHtml(tr.t('signin.onlyTheFact', names))}</p>
<p class="note"><a href="/app/forgot-pin">${escapeHtml(tr.t('signin.forgotPin'))}</a></p>`,
  );
}

/** The consent page: one unticked box per claim asked, posting the ticked ones to `action`. */
export function consentPage(input: { vendorName: string; libraryName: string; ask: readonly ExtraClaim[]; action: string; cancel: string }, tr: Translator): Page {
  const boxes = input.ask
    .map((c) => `<div class="choice"><input type="checkbox" id="claim-${c}" name="claim" value="${c}"><label for="claim-${c}">${escapeHtml(tr.t(CLAIM_WORDS[c]))}</label></div>`)
    .join('\n');
  const names = { vendor: input.vendorName, library: input.libraryName };
  return page(
    tr,
    tr.t('signin.consentTitle', names),
    `<h1>${escapeHtml(tr.t('signin.consentTitle', names))}</h1>
<p>${escapeHtml(tr.t('signin.consentLead', names))}</p>
<form method="post" action="${escapeHtml(input.action)}">
<fieldset><legend>${escapeHtml(input.vendorName)}</legend>
${boxes}
</fieldset>
<button type="submit">${escapeHtml(tr.t('signin.continue'))}</button><button type="submit" class="secondary" formaction="${escapeHtml(input.cancel)}">${escapeHtml(tr.t('signin.cancel'))}</button>
</form>
<p class="note">${escapeHtml(tr.t('signin.consentRevocable'))}</p>`,
  );
}

/** A page that only says something: an expired link, a refused sign-in, a service not offered, signed out. */
export function messagePage(kind: 'expired' | 'refused' | 'unavailable' | 'signed-out', tr: Translator): Page {
  const words: Record<typeof kind, [string, string]> = {
    expired: [tr.t('signin.expiredTitle'), tr.t('signin.expiredText')],
    refused: [tr.t('signin.refusedTitle'), tr.t('signin.refusedText')],
    unavailable: [tr.t('signin.unavailableTitle'), tr.t('signin.unavailableText')],
    'signed-out': [tr.t('signin.signedOutTitle'), tr.t('signin.signedOutText')],
  };
  const [title, text] = words[kind];
  return page(tr, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}

/**
 * The sign-out question (a vendor's site asked to sign the patron out). `form` is the provider's own
 * hidden form (its action and anti-forgery token, which it escapes); the buttons submit it.
 */
export function signOutPage(form: string, tr: Translator): Page {
  return page(
    tr,
    tr.t('signin.signOutTitle'),
    `<h1>${escapeHtml(tr.t('signin.signOutTitle'))}</h1>
<p>${escapeHtml(tr.t('signin.signOutText'))}</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">${escapeHtml(tr.t('signin.signOut'))}</button><button type="submit" class="secondary" form="op.logoutForm">${escapeHtml(tr.t('signin.staySignedIn'))}</button>`,
  );
}
