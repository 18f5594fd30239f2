#!/usr/bin/env node
/**
 * Writes docs/settings.md from the TSDoc of the `Settings` interface (src/config/settings.ts),
 * so the reference cannot drift from the code: `npm run docs:settings`. A test
 * (src/config/settings-doc.test.ts) fails when the committed file is out of date.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The `Settings` interface as one declaration: `Settings` extends one part per concern
 * (`JwtSettings`, `ServerSettings`, ...), each declared in a module of src/config/; their members
 * are joined in the order `Settings` names them.
 */
export function settingsSource(configDir = `${root}/src/config`) {
  const sources = readdirSync(configDir)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => readFileSync(`${configDir}/${file}`, 'utf8'));
  const main = readFileSync(`${configDir}/settings.ts`, 'utf8');
  const parts = /export interface Settings\s+extends\s+([\w\s,]+?)\s*\{\}/
    .exec(main)?.[1]
    .split(',')
    .map((part) => part.trim());
  if (parts === undefined) throw new Error('src/config/settings.ts: no `export interface Settings extends ... {}`');
  const members = parts.map((part) => {
    const opening = `export interface ${part} {`;
    const source = sources.find((text) => text.includes(opening));
    if (source === undefined) throw new Error(`src/config: no \`${opening}\``);
    const start = source.indexOf(opening) + opening.length;
    return source.slice(start, source.indexOf('\n}\n', start));
  });
  return `export interface Settings {${members.join('')}\n}\n`;
}

/** The settings, in declaration order: name, type, description, default. */
export function readSettings(source) {
  const body = source.slice(
    source.indexOf('export interface Settings {'),
    source.indexOf('\n}\n', source.indexOf('export interface Settings {')),
  );
  const settings = [];
  const pattern = /\/\*\*([\s\S]*?)\*\/\s*\n\s*([A-Z_]+):\s*([^;]+);/g;
  for (const [, comment, name, type] of body.matchAll(pattern)) {
    const text = comment
      .split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, '').trim())
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    const defaultAt = text.indexOf('@default');
    const description = (defaultAt < 0 ? text : text.slice(0, defaultAt)).trim();
    const fallback = defaultAt < 0 ? '' : text.slice(defaultAt + '@default'.length).trim();
    settings.push({ name, type: type.trim(), description, fallback });
  }
  return settings;
}

export function renderSettingsDoc(source) {
  const rows = readSettings(source).map(
    ({ name, type, description, fallback }) =>
      `| \`${name}\` | \`${type.replaceAll('|', '\\|')}\` | ${fallback === '' ? '–' : fallback.replaceAll('|', '\\|')} | ${description.replaceAll('|', '\\|')} |`,
  );
  return `# Settings

Generated from \`src/config/settings.ts\` by \`npm run docs:settings\`; do not edit by hand.

Every setting can be given in code (\`createTessera({ settings })\`), in \`tessera.config.json\`
(or the file \`TESSERA_CONFIG\` names), or as an environment variable \`TESSERA_<NAME>\`; code
wins over the environment, which wins over the file. Durations take seconds (\`300\`) or units
(\`5m\`, \`1h\`, \`1d\`); booleans \`true\`/\`false\`; lists are comma-separated in the
environment. A bad value, an unknown \`TESSERA_*\` variable or a removed simplejwt setting stops
start-up with a message naming the setting. simplejwt's Python-only settings (\`JSON_ENCODER\`,
\`TOKEN_USER_CLASS\`, the \`*_SERIALIZER\` paths, \`ON_LOGIN_*\`) have typed hooks instead
(README, "Embed in your own app").

| Setting | Type | Default | Meaning |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(`${root}/docs/settings.md`, renderSettingsDoc(settingsSource()));
  console.log('docs/settings.md written');
}
