#!/usr/bin/env node
/**
 * Checks the message catalogues (locales/<language>/<namespace>.json) before anything is built:
 *  - English is the source. Every other language has the same files and exactly the same keys: a key
 *    missing from a translation, or one the source does not have, fails the build.
 *  - Every message is valid ICU MessageFormat, and a translation uses the same arguments and tags as the
 *    source (a translation that drops `{count}` or invents `{name}` fails).
 *  - Keys are `<namespace>.<…>` and live in their namespace's file.
 *  - Extraction: every key-shaped string literal in the code (src, web/src, bin; tests excluded) must
 *    be in the source catalogue, and every key in the catalogue must be used by the code. Keys are
 *    always written out whole in the code, never assembled, so this reading finds them all. The one
 *    exception is the `errors` namespace, which has exactly one message per error code
 *    (`errors.<CODE>`, src/domain/errors.ts), looked up by the code an answer carries.
 * Prints what is wrong and exits 1; prints a one-line summary and exits 0 when all is well.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, TYPE } from '@formatjs/icu-messageformat-parser';

const root = fileURLToPath(new URL('..', import.meta.url));
const localesDir = join(root, 'locales');
const SOURCE = 'en';
const problems = [];

const languages = readdirSync(localesDir).filter((d) => statSync(join(localesDir, d)).isDirectory()).sort();
if (!languages.includes(SOURCE)) problems.push(`locales/${SOURCE}/ is missing: English is the source catalogue`);

/** language → namespace → { key: message } */
const catalogues = new Map();
for (const language of languages) {
  const files = new Map();
  for (const file of readdirSync(join(localesDir, language)).filter((f) => f.endsWith('.json')).sort()) {
    const namespace = file.slice(0, -'.json'.length);
    const path = `locales/${language}/${file}`;
    let messages;
    try {
      messages = JSON.parse(readFileSync(join(localesDir, language, file), 'utf8'));
    } catch (e) {
      problems.push(`${path}: not valid JSON (${e.message})`);
      continue;
    }
    for (const [key, message] of Object.entries(messages)) {
      if (!key.startsWith(`${namespace}.`)) problems.push(`${path}: the key ${key} belongs in the file of its namespace (${key.split('.')[0]}.json)`);
      if (typeof message !== 'string' || message.trim() === '') problems.push(`${path}: ${key} has no message`);
    }
    files.set(namespace, messages);
  }
  catalogues.set(language, files);
}

/** The arguments and tags a message uses, as a sorted list ("count:plural", "b:tag", "name"). */
function shapeOf(message, where) {
  let ast;
  try {
    ast = parse(message, { ignoreTag: false });
  } catch (e) {
    problems.push(`${where}: not valid ICU MessageFormat (${e.message})`);
    return null;
  }
  const found = new Set();
  const walk = (nodes) => {
    for (const node of nodes) {
      switch (node.type) {
        case TYPE.argument:
          found.add(node.value);
          break;
        case TYPE.number:
        case TYPE.date:
        case TYPE.time:
          found.add(`${node.value}:${TYPE[node.type]}`);
          break;
        case TYPE.plural:
        case TYPE.select:
          found.add(`${node.value}:${node.type === TYPE.plural ? 'plural' : 'select'}`);
          for (const option of Object.values(node.options)) walk(option.value);
          break;
        case TYPE.tag:
          found.add(`${node.value}:tag`);
          walk(node.children);
          break;
        default:
          break;
      }
    }
  };
  walk(ast);
  return [...found].sort().join(',');
}

const source = catalogues.get(SOURCE) ?? new Map();
const sourceKeys = new Map();
for (const [namespace, messages] of source) for (const [key, message] of Object.entries(messages)) sourceKeys.set(key, { namespace, message });

for (const [key, { message }] of sourceKeys) shapeOf(message, `locales/${SOURCE}: ${key}`);

for (const language of languages.filter((l) => l !== SOURCE)) {
  const files = catalogues.get(language);
  for (const namespace of source.keys()) if (!files.has(namespace)) problems.push(`locales/${language}/${namespace}.json is missing`);
  for (const [namespace, messages] of files) {
    const path = `locales/${language}/${namespace}.json`;
    const english = source.get(namespace);
    if (!english) {
      problems.push(`${path}: there is no locales/${SOURCE}/${namespace}.json to translate`);
      continue;
    }
    for (const key of Object.keys(english)) if (!(key in messages)) problems.push(`${path}: ${key} is not translated`);
    for (const [key, message] of Object.entries(messages)) {
      if (!(key in english)) {
        problems.push(`${path}: ${key} is not in the English catalogue`);
        continue;
      }
      const want = shapeOf(english[key], `locales/${SOURCE}: ${key}`);
      const have = shapeOf(message, `${path}: ${key}`);
      if (want !== null && have !== null && want !== have) problems.push(`${path}: ${key} uses {${have}} where the English uses {${want}}`);
    }
  }
}

// Extraction: the key-shaped literals of the code.
const namespaces = new Set(source.keys());
const codeFiles = [];
function collect(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') collect(path);
    } else if (/\.(ts|tsx|js|mjs)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) codeFiles.push(path);
  }
}
for (const dir of ['src', 'web/src', 'bin']) collect(join(root, dir));

const used = new Map();
const literal = /(['"`])([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9_-]+)+)\1/g;
for (const file of codeFiles) {
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(literal)) {
    const key = match[2];
    if (!namespaces.has(key.split('.')[0])) continue;
    if (!used.has(key)) used.set(key, relative(root, file));
  }
}

// The errors namespace: one message per error code, no more, no fewer.
const errorsFile = readFileSync(join(root, 'src/domain/errors.ts'), 'utf8');
const codeBlock = errorsFile.slice(errorsFile.indexOf('export const ErrorCode = {'), errorsFile.indexOf('} as const'));
const codes = [...codeBlock.matchAll(/^\s+([A-Z][A-Z0-9_]+): '\1',?$/gm)].map((m) => m[1]);
if (namespaces.has('errors')) {
  for (const code of codes) {
    if (!sourceKeys.has(`errors.${code}`)) problems.push(`locales/${SOURCE}/errors.json: errors.${code} is missing (every error code has its words)`);
    used.set(`errors.${code}`, 'src/domain/errors.ts');
  }
}

for (const [key, file] of used) if (!sourceKeys.has(key)) problems.push(`${file}: ${key} is not in locales/${SOURCE}/${key.split('.')[0]}.json`);
for (const key of sourceKeys.keys()) if (!used.has(key)) problems.push(`locales/${SOURCE}/${key.split('.')[0]}.json: ${key} is not used anywhere in the code`);

if (problems.length > 0) {
  console.error(`The message catalogues have ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`Messages: ${sourceKeys.size} keys in ${namespaces.size} namespaces, ${languages.length} languages (${languages.join(', ')}), all used and all translated.`);
