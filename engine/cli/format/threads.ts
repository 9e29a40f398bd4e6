// Threads → text for `hvbarrier extract` (and the golden tests): one header line per function,
// one line per event in program order, then conditions and dependencies.
import type { CallerHeld, Cond, Event, Thread } from '../../extract/types';
import { dependencies } from '../../extract/deps';

function detail(e: Event): string {
  switch (e.kind) {
    case 'R':
      return `${e.annot} ${e.loc.text}${e.bit ? ` bit ${e.bit}` : ''}${e.loc.cpuLocal ? ' (cpu-local)' : ''}`;
    case 'W':
      return `${e.annot} ${e.loc.text}${e.value !== undefined ? ` = ${e.value}` : ''}${e.loc.cpuLocal ? ' (cpu-local)' : ''}`;
    case 'RMW':
      return `${e.annot} ${e.rmw} ${e.loc.text}${e.bit ? ` bit ${e.bit}` : ''}${e.value ? ` value ${e.value}` : ''}${e.failure ? ` (failure ${e.failure})` : ''}`;
    case 'F':
      return e.fence;
    case 'LOCK':
    case 'UNLOCK':
      return `${e.mode} ${e.lock.text}`;
    case 'IRQ':
      return e.state;
    case 'CALL':
      return `${e.callee}(${e.args.join(', ')}) [${e.resolution}]${e.tags.length ? ` {${e.tags.join(', ')}}` : ''}`;
    case 'EXIT':
      return e.how + (e.label ? ` ${e.label}` : '');
    case 'ASSERT':
      return e.expr;
  }
}

function eventLine(t: Thread, e: Event): string {
  const parts = [`  e${e.id}`, `${e.span.line}:${e.span.col}`, e.kind.padEnd(6), detail(e)];
  if (e.prim && e.kind !== 'CALL') parts.push(`<${e.prim}>`);
  if (e.guards.length) parts.push(`if ${e.guards.map((g) => `${g.value ? '' : '!'}c${g.cond}`).join(' ')}`);
  if (e.held.length) parts.push(`held[${e.held.join(', ')}]`);
  if (e.irqsOff) parts.push('irqs-off');
  if (e.via?.length) parts.push(`via ${e.via.map((v) => v.callee).join(' > ')}`);
  if (t.file !== undefined && e.srcLine !== e.span.line) parts.push(`(src ${e.srcLine})`);
  return parts.join(' ');
}

function callerLine(h: CallerHeld): string {
  return `  caller holds ${h.mode} ${h.lock.text} (${h.span.line}:${h.span.col} \`${h.text}\`)`;
}

function condLine(c: Cond): string {
  return `  c${c.id} ${c.kind} ${c.span.line}:${c.span.col} \`${c.text}\`${c.reads.length ? ` reads ${c.reads.map((r) => `e${r}`).join(' ')}` : ''}`;
}

export function formatThread(t: Thread): string {
  const where = [t.file, t.unit !== undefined ? `patch ${t.unit + 1}` : undefined, t.side].filter((x) => x !== undefined).join(' ');
  const head = `${t.name}(${t.params.map((p) => p.type.endsWith("*") ? `${p.type}${p.name}` : `${p.type} ${p.name}`).join(', ')})${t.partial ? ' [fragment]' : ''} ${where ? where + ' ' : ''}${t.span.line}:${t.span.col}`;
  const lines = [head, ...(t.callerHolds ?? []).map(callerLine), ...t.events.map((e) => eventLine(t, e))];
  if (t.conds.length) lines.push(...t.conds.map(condLine));
  const deps = dependencies(t);
  if (deps.length) lines.push(`  deps ${deps.map((d) => `${d.kind} e${d.from}>e${d.to}`).join(', ')}`);
  return lines.join('\n');
}

export function formatThreads(threads: readonly Thread[]): string {
  return threads.map(formatThread).join('\n\n') + (threads.length ? '\n' : '');
}
