import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shippedProfilesDir } from '../src/profile/profiles.js';

/** Every clause ID of docs/CLAUSES.md; "JC-IIIa-f" stands for JC-IIIa … JC-IIIf. Tests check citations against it. */
export const CLAUSE_IDS: ReadonlySet<string> = new Set(
  [...readFileSync(join(shippedProfilesDir(), '..', 'docs', 'CLAUSES.md'), 'utf8').matchAll(/^- ([A-Z]{2}-[A-Za-z0-9-]+) /gm)].flatMap((m) => {
    const id = m[1] as string;
    const range = /^(.*[A-Z])([a-z])-([a-z])$/.exec(id);
    if (!range) return [id];
    const [, stem, from, to] = range as unknown as [string, string, string, string];
    const ids = [];
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) ids.push(`${stem}${String.fromCharCode(c)}`);
    return ids;
  }),
);
