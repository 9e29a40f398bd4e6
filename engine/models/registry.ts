// The models the simulator knows, by name. Adding POWER or RISC-V is one new file and one line.
import { armv8 } from './armv8';
import { lkmm } from './lkmm';
import type { Model, ModelName } from './model';
import { sc } from './sc';
import { x86tso } from './x86-tso';

export const MODELS: Record<ModelName, Model> = { sc, 'x86-tso': x86tso, armv8, lkmm };

export const MODEL_NAMES: readonly ModelName[] = ['sc', 'x86-tso', 'armv8', 'lkmm'];

export function isModelName(s: string): s is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(s);
}
