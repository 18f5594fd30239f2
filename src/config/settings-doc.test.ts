import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types; it is what `npm run docs:settings` runs.
import { readSettings, renderSettingsDoc, settingsSource } from '../../scripts/settings-doc.mjs';
import { DEFAULT_SETTINGS } from './settings.js';

const source = settingsSource() as string;

describe('docs/settings.md', () => {
  it('is up to date with the Settings interface (run `npm run docs:settings`)', () => {
    expect(readFileSync(new URL('../../docs/settings.md', import.meta.url), 'utf8')).toBe(renderSettingsDoc(source));
  });

  it('documents every setting, each with its meaning', () => {
    const documented = (readSettings(source) as { name: string; description: string }[]).map((setting) => setting.name);
    for (const name of [...Object.keys(DEFAULT_SETTINGS), 'SECRET_KEY', 'SIGNING_KEY']) expect(documented).toContain(name);
  });
});
