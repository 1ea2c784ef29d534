/** Types of build.mjs (the kernel's build script), for the test that checks the committed module is fresh. */
export const SOURCE: string;
export const OUTPUT: string;
export function compileKernel(): Promise<Uint8Array>;
export function moduleText(bytes: Uint8Array): string;
