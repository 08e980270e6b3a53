import { DomainError } from '../domain/errors.js';
import { cliLanguage, translator } from '../i18n/messages.js';

/**
 * The words of this command-line session, in the operator's language (CARREL_LANG, else the locale's
 * LC_ALL, LC_MESSAGES or LANG; English when Carrel has no catalogue for it). Only the human output is
 * translated: `--json` documents are a contract for scripts and never change with the language.
 */
export const tr = translator(cliLanguage());

/**
 * The words for a refusal. In English the server's own message, which names the flag or value at fault;
 * in another language the catalogue's words for the code (errors.<CODE>), since the server's messages
 * are English only. The code itself is always printed beside them, for scripts and for support.
 */
function refusalWords(code: string, message: string): string {
  if (tr.language === 'en') return message;
  return tr.error(code) ?? message;
}

/** Exit statuses: scripts can tell a refusal from a usage mistake from a fault. */
export const EXIT = { ok: 0, refused: 1, usage: 2, fault: 3 } as const;

/** Prints a result: the JSON document with --json, otherwise the human lines. */
export function emit(json: boolean | undefined, document: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(document, null, 2)}\n` : `${human()}\n`);
}

/** Reports an error the way scripts and people each need it, and returns the exit status. */
export function report(json: boolean | undefined, error: unknown): number {
  if (error instanceof DomainError) {
    const body = { error: { code: error.code, message: error.message, problems: error.problems } };
    if (json) process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    else {
      process.stderr.write(`carrel: ${error.code}: ${refusalWords(error.code, error.message)}\n`);
      for (const p of error.problems.slice(1)) process.stderr.write(`  ${p.code}: ${refusalWords(p.code, p.message)}\n`);
    }
    return EXIT.refused;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'INTERNAL_ERROR', message } }, null, 2)}\n`);
  else process.stderr.write(`carrel: ${message}\n`);
  return EXIT.fault;
}

/** An amount of money in cents, as a person reads it in the session’s language. */
export function money(cents: number): string {
  return tr.money(cents);
}

/** A progress line on stderr that rewrites itself (for long operator commands). */
export function progressLine(label: string): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (percent === last) return;
    last = percent;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% (${done}/${total})`);
  };
}
