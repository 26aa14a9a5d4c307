// Control characters (C0 except TAB, DEL, C1) in chat text would let one user drive other users'
// terminals (clear screens, fake lines, change colours). Each run of them is shown as one U+FFFD: a
// marker per character would let a line of 1-byte controls leave three times as large (U+FFFD is 3
// bytes of UTF-8) and multiply what a sender's flood budget can cost every member. With one per run,
// sanitised text is at most twice its input plus one byte (a lone control between ordinary bytes).
const controlRuns = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]+/g;

export function sanitizeText(text: string): string {
  return text.replace(controlRuns, '\uFFFD');
}
