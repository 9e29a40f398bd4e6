// `check --graph DIR`: where each finding's picture (engine/picture/) is written.
import type { Finding } from '../checks/types';

/** A file name for a finding's picture: the input's base name, the position and the code. */
export function pictureName(file: string, f: Finding): string {
  const base = file.replace(/^.*[\\/]/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return `${base}-${f.place.range.line}-${f.place.range.col}-${f.code}.svg`;
}
