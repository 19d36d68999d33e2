/** Absolute path of the built dashboard (`packages/dashboard/dist/`), which `tapline serve` serves at `/`. */
export declare const dashboardDistDir: string;
