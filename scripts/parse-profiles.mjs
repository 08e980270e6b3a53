// Writes OUT/parsed-profiles.json: the shipped policy profiles (profiles/*.yaml) parsed and checked against
// the schema by the compiled OUT/src/profile/profiles.js, each under the SHA-256 of its file's text. A
// `carrel` command reads them from there instead of parsing YAML at every start (src/profile/profiles.ts
// `builtDocuments`); a profile file edited since the build no longer matches its digest and is parsed as it is.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const out = resolve(process.argv[2] ?? 'dist');
const { parsedShippedProfiles } = await import(pathToFileURL(join(out, 'src', 'profile', 'profiles.js')).href);
writeFileSync(join(out, 'parsed-profiles.json'), `${JSON.stringify(parsedShippedProfiles())}\n`);
