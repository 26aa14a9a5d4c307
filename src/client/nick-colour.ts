// Each nick gets a colour of its own, the same on every line and in every session: a hash of the nick
// picks one of a few colours. Red, magenta and cyan are left out: they mean errors, private messages and
// your own nick. Pure.
import type { styleText } from 'node:util';
import { nickKey } from '../protocol/names.ts';

type Colour = Parameters<typeof styleText>[0];

export const nickPalette: readonly Colour[] = ['green', 'yellow', 'blue', 'greenBright', 'yellowBright', 'blueBright'];

/** The colour of `nick`. Nicks that are one to the server ("Ann", "ann", "AnN") get one colour. */
export function nickColour(nick: string): Colour {
  // FNV-1a (32-bit): cheap, and spreads short similar names (ann, ann2, anna) over the palette.
  let hash = 0x811c9dc5;
  for (const char of nickKey(nick)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return nickPalette[hash % nickPalette.length]!;
}
