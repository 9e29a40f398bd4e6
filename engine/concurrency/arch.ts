// Which code is never built into the same binary, by path.

/** The `arch/` directory a path is under (`x86` for `xen/arch/x86/irq.c`), if any. */
export const archOf = (p: string | undefined): string | undefined => (p === undefined ? undefined : /(?:^|\/)arch\/([^/]+)\//.exec(p)?.[1]);

/**
 * Code under `arch/x86/` and code under `arch/arm/` are never built into one hypervisor or
 * kernel: they never run together, whatever they share by name.
 */
export function otherArchitectures(a: string | undefined, b: string | undefined): string | undefined {
  const x = archOf(a);
  const y = archOf(b);
  return sameBuild(x, y) ? undefined : `arch/${x} and arch/${y} are never built together`;
}

/** Two `arch/` directories (undefined: common code) can be in one build: either is common, or both are one. */
export const sameBuild = (x: string | undefined, y: string | undefined): boolean => x === undefined || y === undefined || x === y;
