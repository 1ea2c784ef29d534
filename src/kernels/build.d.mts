/** Types of build.mjs (the kernels' build script), for the test that checks the committed modules are fresh. */
export interface KernelBuild {
  name: string;
  source: string;
  output: string;
  constant: string;
  description: string;
}
export const KERNELS: { fused: KernelBuild; kquant: KernelBuild; dense: KernelBuild };
export const SOURCE: string;
export const OUTPUT: string;
export function compileKernel(kernel?: KernelBuild, options?: { shared?: boolean }): Promise<Uint8Array>;
export function moduleText(bytes: Uint8Array, kernel?: KernelBuild, sharedBytes?: Uint8Array | null): string;
export function generatedModule(kernel?: KernelBuild): Promise<string>;
