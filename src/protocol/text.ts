// Characters in chat text that would let one user deceive or disrupt others are shown as U+FFFD:
// - C0 and C1 controls except TAB, and DEL: terminal escapes (clear screens, fake lines, colours);
// - bidirectional controls (U+061C, U+200E-F, U+202A-E, U+2066-9): reorder what follows on screen, so a
//   line can show other words than it holds ("Trojan Source");
// - zero-width characters (U+200B-D, U+2060, U+FEFF): make two different texts or names look equal;
// - U+2028 and U+2029: line and paragraph separators that some clients break lines at, faking a new line.
// Each run of them becomes one U+FFFD: a marker per character would let a line of 1-byte controls leave
// three times as large (U+FFFD is 3 bytes of UTF-8) and multiply what a sender's flood budget costs every
// member. With one per run, sanitised text is at most twice its input plus one byte.
const deceptiveRuns = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]+/g;

export function sanitizeText(text: string): string {
  return text.replace(deceptiveRuns, '\uFFFD');
}

/** Quit and kick reasons are repeated to every room the user was in: they are kept short. */
export const maxReasonLength = 160;

export function shortenReason(reason: string): string {
  const clean = sanitizeText(reason.trim());
  return clean.length <= maxReasonLength ? clean : `${clean.slice(0, maxReasonLength - 1)}…`;
}
