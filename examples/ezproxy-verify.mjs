#!/usr/bin/env node
/**
 * Verifies an EZproxy ticket the way EZproxy's ticket authentication does, with no Carrel code: only
 * node:crypto. Use it to check an EZproxy instance's set-up before pointing EZproxy at Carrel, or as the
 * verification a test relies on.
 *
 * A ticket is `hex(digest(secret + user + packet)) + packet`, where the packet is `$u<unix seconds>`, then
 * `$g<group+group>` when the patron has groups, then `$e`. It is good when the digest matches under the
 * shared secret (the `SHA256 …` line of the `::Ticket` block) and it is no older than `TimeValid` minutes.
 * A ticket is good once: the verifier remembers each ticket it accepted until that ticket expires, and
 * refuses it again (a replay).
 *
 * As a module:
 *   import { TicketVerifier } from './examples/ezproxy-verify.mjs';
 *   const verifier = new TicketVerifier({ secret, digest: 'SHA256', timeValidMinutes: 2 });
 *   verifier.verify({ user, ticket });            // { ok: true, user, groups, issuedAt } or { ok: false, reason }
 *   verifier.verifyUrl('https://ezproxy.example.org/login?user=…&ticket=…&url=…');
 *
 * From the command line (the secret from EZPROXY_SECRET, so it stays out of the shell's history):
 *   EZPROXY_SECRET=… node examples/ezproxy-verify.mjs [--digest SHA256] [--time-valid 2] [--seen seen.json] '<the address Carrel redirected to>'
 *   EZPROXY_SECRET=… node examples/ezproxy-verify.mjs --user <user> --ticket <ticket>
 * prints the answer as JSON and exits 0 when the ticket is good, 1 when it is refused, 2 on a usage mistake.
 * `--seen FILE` keeps the accepted tickets in FILE between runs, so a second run with the same ticket is
 * refused as a replay.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { argv, env, exit, stdout, stderr } from 'node:process';
import { pathToFileURL } from 'node:url';

/** The digests a `::Ticket` block may name, and node's names for them. */
export const DIGESTS = { SHA256: 'sha256', SHA512: 'sha512', SHA1: 'sha1', MD5: 'md5' };

/** The clock skew between the ticket's signer and this verifier that is forgiven, in seconds. */
export const SKEW_SECONDS = 60;

const TICKET = /^([0-9a-f]+)(\$u(\d{1,12})(?:\$g([^$]*))?\$e)$/;

/**
 * Checks one ticket's digest and age, remembering nothing. Answers `{ ok: true, user, groups, issuedAt }`
 * or `{ ok: false, reason }`, the reason one of `malformed`, `bad-signature`, `expired`, `from-the-future`.
 */
export function checkTicket({ secret, user, ticket, digest = 'SHA256', timeValidMinutes = 2, now = new Date() }) {
  const algorithm = DIGESTS[String(digest).toUpperCase()];
  if (!algorithm) throw new Error(`unknown digest ${digest}: one of ${Object.keys(DIGESTS).join(', ')}`);
  if (typeof secret !== 'string' || secret === '') throw new Error('the shared secret is missing');
  const match = typeof user === 'string' && typeof ticket === 'string' ? TICKET.exec(ticket) : null;
  if (!match) return { ok: false, reason: 'malformed' };
  const [, signature, packet, seconds, groups] = match;
  const expected = Buffer.from(createHash(algorithm).update(secret + user + packet, 'utf8').digest('hex'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  const issuedAt = new Date(Number(seconds) * 1000);
  const age = now.getTime() - issuedAt.getTime();
  if (age > timeValidMinutes * 60_000) return { ok: false, reason: 'expired' };
  if (age < -SKEW_SECONDS * 1000) return { ok: false, reason: 'from-the-future' };
  return { ok: true, user, groups: groups ? groups.split('+').filter((g) => g !== '') : [], issuedAt };
}

/**
 * A verifier for one EZproxy instance: `checkTicket`, and each accepted ticket remembered until it
 * expires, so that it is refused the second time (`reason: 'replayed'`). `seen` (optional) is the memory:
 * a Map of signature → the instant (ms) after which the ticket is expired anyway.
 */
export class TicketVerifier {
  constructor({ secret, digest = 'SHA256', timeValidMinutes = 2, seen = new Map() }) {
    this.options = { secret, digest, timeValidMinutes };
    this.seen = seen;
  }

  /** Verifies a ticket for a user at `now` (default: the system clock). */
  verify({ user, ticket, now = new Date() }) {
    for (const [signature, until] of this.seen) if (until < now.getTime()) this.seen.delete(signature);
    const answer = checkTicket({ ...this.options, user, ticket, now });
    if (!answer.ok) return answer;
    const signature = ticket.slice(0, ticket.indexOf('$u'));
    if (this.seen.has(signature)) return { ok: false, reason: 'replayed' };
    this.seen.set(signature, answer.issuedAt.getTime() + this.options.timeValidMinutes * 60_000 + SKEW_SECONDS * 1000);
    return answer;
  }

  /** Verifies the ticket of an address Carrel redirected to (`…/login?user=…&ticket=…&url=…`); `url` is answered too. */
  verifyUrl(address, now = new Date()) {
    const url = new URL(address);
    const answer = this.verify({ user: url.searchParams.get('user') ?? '', ticket: url.searchParams.get('ticket') ?? '', now });
    return answer.ok ? { ...answer, url: url.searchParams.get('url') ?? '' } : answer;
  }
}

function parseArgs(args) {
  const options = { digest: 'SHA256', timeValid: '2' };
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const take = () => {
      const value = args[++i];
      if (value === undefined) throw new Error(`${flag} needs a value`);
      return value;
    };
    if (flag === '--digest') options.digest = take();
    else if (flag === '--time-valid') options.timeValid = take();
    else if (flag === '--seen') options.seen = take();
    else if (flag === '--user') options.user = take();
    else if (flag === '--ticket') options.ticket = take();
    else if (flag === '--help' || flag === '-h') options.help = true;
    else if (flag.startsWith('--')) throw new Error(`unknown option ${flag}`);
    else rest.push(flag);
  }
  return { options, rest };
}

const USAGE = `usage: EZPROXY_SECRET=… node examples/ezproxy-verify.mjs [--digest SHA256] [--time-valid MINUTES] [--seen FILE] ADDRESS
       EZPROXY_SECRET=… node examples/ezproxy-verify.mjs [--digest …] [--time-valid …] [--seen FILE] --user USER --ticket TICKET
Exit status: 0 the ticket is good, 1 it is refused, 2 a usage mistake.\n`;

function main(args) {
  let parsed;
  try {
    parsed = parseArgs(args);
  } catch (error) {
    stderr.write(`${error.message}\n${USAGE}`);
    return 2;
  }
  const { options, rest } = parsed;
  if (options.help) {
    stdout.write(USAGE);
    return 0;
  }
  const secret = env.EZPROXY_SECRET ?? '';
  const timeValidMinutes = Number(options.timeValid);
  const byUrl = rest.length === 1 && options.user === undefined && options.ticket === undefined;
  const byParts = rest.length === 0 && options.user !== undefined && options.ticket !== undefined;
  if (secret === '' || !DIGESTS[options.digest.toUpperCase()] || !(timeValidMinutes > 0) || (!byUrl && !byParts)) {
    stderr.write(`${secret === '' ? 'EZPROXY_SECRET is not set.\n' : ''}${USAGE}`);
    return 2;
  }
  // The accepted tickets of earlier runs, each until it expires.
  const seen = new Map(options.seen && existsSync(options.seen) ? Object.entries(JSON.parse(readFileSync(options.seen, 'utf8'))) : []);
  const verifier = new TicketVerifier({ secret, digest: options.digest, timeValidMinutes, seen });
  let answer;
  try {
    answer = byUrl ? verifier.verifyUrl(rest[0]) : verifier.verify({ user: options.user, ticket: options.ticket });
  } catch (error) {
    stderr.write(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (options.seen) writeFileSync(options.seen, `${JSON.stringify(Object.fromEntries(verifier.seen))}\n`);
  stdout.write(`${JSON.stringify(answer.ok ? { ...answer, issuedAt: answer.issuedAt.toISOString() } : answer)}\n`);
  return answer.ok ? 0 : 1;
}

if (argv[1] && import.meta.url === pathToFileURL(argv[1]).href) exit(main(argv.slice(2)));
