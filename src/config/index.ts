export { loadSettings, type LoadSettingsOptions, type LoadedSettings } from './load-settings.js';
export { DEFAULT_SETTINGS, SUPPORTED_ALGORITHMS, defaultUserAuthenticationRule, type Settings, type Algorithm } from './settings.js';
export { parseDurationSeconds } from './duration.js';
