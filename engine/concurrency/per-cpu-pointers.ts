// Locals that point to the running CPU's copy of a per-CPU variable, read from a function's
// body: `struct foreign_vmcs *fv = &this_cpu(foreign_vmcs);`, `ts = this_cpu_ptr(&timers)`.
// What is reached through such a pointer is per-CPU data as much as `this_cpu(x).field` is
// (local.ts), as long as the pointer is never made to point anywhere else.

/** The accessors of the running CPU's copy, as local.ts has them. */
const THIS_CPU_CALL = String.raw`(?:this_cpu|this_cpu_ptr|raw_cpu_ptr|get_cpu_var|get_cpu_ptr|__get_cpu_var)\s*\(`;
const SELF_PER_CPU_CALL = String.raw`(?:per_cpu|per_cpu_ptr)\s*\([^;]*,\s*(?:raw_)?smp_processor_id\s*\(\s*\)\s*\)`;

/** Names assigned only from a this-CPU accessor (once or more), never from anything else. */
export function perCpuPointers(body: string): Set<string> {
  const from = new RegExp(String.raw`\b([A-Za-z_]\w*)\s*=\s*(?:\(\s*[\w\s*]+\)\s*)?&?\s*(?:${THIS_CPU_CALL}|${SELF_PER_CPU_CALL})`, 'g');
  const out = new Set<string>();
  for (const m of body.matchAll(from)) out.add(m[1]!);
  for (const name of [...out]) {
    // Every assignment of the name must be one of those (`fv = NULL` or `fv = other` elsewhere
    // would make it point to something else on some path).
    const all = body.match(new RegExp(String.raw`(?<![\w.>])${name}\s*=(?!=)`, 'g'))?.length ?? 0;
    const own = [...body.matchAll(new RegExp(String.raw`(?<![\w.>])${name}\s*=\s*(?:\(\s*[\w\s*]+\)\s*)?&?\s*(?:${THIS_CPU_CALL}|${SELF_PER_CPU_CALL})`, 'g'))].length;
    if (all !== own) out.delete(name);
  }
  return out;
}
