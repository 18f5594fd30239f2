/** Types for outside-folders.mjs (a plain script, so that `npm test` can run it before the build). */
export type OutsideFolderName = 'reference' | 'vectors';
export interface OutsideFolder {
  readonly what: string;
  readonly suites: string;
  readonly inShared: string;
  readonly entries: readonly string[];
  readonly variable: string | undefined;
}
export declare const REPO_ROOT: string;
export declare const OUTSIDE_FOLDERS: Readonly<Record<OutsideFolderName, OutsideFolder>>;
export declare function outsideFolderPath(name: OutsideFolderName, env?: NodeJS.ProcessEnv): string;
export declare function missingOutsideFolder(name: OutsideFolderName, env?: NodeJS.ProcessEnv): string | undefined;
export declare class OutsideFolderMissing extends Error {}
export declare function requireOutsideFolder(name: OutsideFolderName, env?: NodeJS.ProcessEnv): string;
