// Locals that point to the running CPU's copy of a per-CPU variable, read from a function's
// body: `struct foreign_vmcs *fv = &this_cpu(foreign_vmcs);`, `ts = this_cpu_ptr(&timers)`.
// What is reached through such a pointer is per-CPU data as much as `this_cpu(x).field` is
// (local.ts), as long as the pointer is never made to point anywhere else.

/** Accessors that give the running CPU's copy of a per-CPU variable (local.ts reads them too). */
export const THIS_CPU_ACCESSORS = ['this_cpu', 'this_cpu_ptr', 'raw_cpu_ptr', 'get_cpu_var', 'get_cpu_ptr', '__get_cpu_var'] as const;
/** Accessors of a given CPU's copy: the running CPU's when asked with smp_processor_id(). */
export const PER_CPU_ACCESSORS = ['per_cpu', 'per_cpu_ptr'] as const;

/** `= &this_cpu(x)`, `= (struct t *)this_cpu_ptr(&x)`, `= per_cpu_ptr(&x, smp_processor_id())`. */
const FROM_THIS_CPU = String.raw`\s*=\s*(?:\(\s*[\w\s*]+\)\s*)?&?\s*(?:(?:${THIS_CPU_ACCESSORS.join('|')})\s*\(|(?:${PER_CPU_ACCESSORS.join('|')})\s*\([^;]*,\s*(?:raw_)?smp_processor_id\s*\(\s*\)\s*\))`;

/** Names assigned only from a this-CPU accessor (once or more), never from anything else. */
export function perCpuPointers(body: string): Set<string> {
  const out = new Set<string>();
  for (const m of body.matchAll(new RegExp(String.raw`\b([A-Za-z_]\w*)${FROM_THIS_CPU}`, 'g'))) out.add(m[1]!);
  // Every assignment of the name must be one of those (`fv = NULL` or `fv = other` elsewhere
  // would make it point to something else on some path).
  const count = (re: string): number => [...body.matchAll(new RegExp(re, 'g'))].length;
  for (const name of [...out]) {
    if (count(String.raw`(?<![\w.>])${name}\s*=(?!=)`) !== count(String.raw`(?<![\w.>])${name}${FROM_THIS_CPU}`)) out.delete(name);
  }
  return out;
}
