declare const __TAPLINE_VERSION__: string | undefined;

/** Replaced by the bundler with the package version; `dev` when running from source. */
export const VERSION: string = typeof __TAPLINE_VERSION__ === 'string' ? __TAPLINE_VERSION__ : 'dev';
