// Device register accessors (MMIO). readX() reads the register and then orders later memory
// reads after it (so data a device wrote before updating the register is not read stale);
// writeX() orders earlier memory writes before the register write (so a device the write
// starts sees them). The _relaxed forms are the access alone: ordered with other accesses to
// the same device, not with memory. Linux: include/asm-generic/io.h (__io_ar() after readX(),
// __io_bw() before writeX(); readX_relaxed() has no barrier since "io: change readX_relaxed()
// to remove barriers", 2018), arch/arm64/include/asm/io.h (__iormb()/__iowmb()); Xen on Arm
// keeps the same definitions for the drivers it shares with Linux (SMMU).
import { F, R, W, ptr } from './build';
import type { Primitive } from './types';

const IO = 'linux: include/asm-generic/io.h, arch/arm64/include/asm/io.h; xen: xen/arch/arm/include/asm/io.h';

export const MMIO: readonly Primitive[] = ['b', 'w', 'l', 'q'].flatMap((size): Primitive[] => [
  { name: `read${size}`, os: ['linux', 'xen'], kind: 'access', effects: [R(ptr(0), 'once'), F('rmb')], source: IO },
  { name: `read${size}_relaxed`, os: ['linux', 'xen'], kind: 'access', effects: [R(ptr(0), 'once')], source: IO },
  { name: `write${size}`, os: ['linux', 'xen'], kind: 'access', effects: [F('wmb'), W(ptr(1), 'once', 0)], source: IO },
  { name: `write${size}_relaxed`, os: ['linux', 'xen'], kind: 'access', effects: [W(ptr(1), 'once', 0)], source: IO },
]);
