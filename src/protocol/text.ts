// Control characters (C0 except TAB, DEL, C1) in chat text would let one user drive other users'
// terminals (clear screens, fake lines, change colours). They are shown as U+FFFD instead.
const controlCharacters = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

export function sanitizeText(text: string): string {
  return text.replace(controlCharacters, '\uFFFD');
}
