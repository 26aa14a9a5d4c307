// Cutting text to a byte budget without splitting a character: IRC limits lines in bytes, and half a
// UTF-8 sequence would make the rest of the line undecodable for the client.

/** The longest prefix of `text` that is at most `maxBytes` bytes of UTF-8 and ends on a code point. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const bytes = Buffer.from(text);
  let end = Math.max(0, maxBytes);
  // Back off over continuation bytes (10xxxxxx) so the cut lands before a lead byte.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * `text` cut into pieces of at most `maxBytes` bytes each (maxBytes ≥ 4, the longest code point),
 * preferring to cut after a space when one falls in the second half of a piece. Joined, the pieces are
 * `text` again (a lone surrogate, which UTF-8 cannot carry, as U+FFFD); an empty text is one empty piece.
 */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new RangeError(`splitUtf8 needs at least 4 bytes a piece, got ${maxBytes}`);
  const pieces: string[] = [];
  let rest = text.toWellFormed();
  while (Buffer.byteLength(rest) > maxBytes) {
    let piece = truncateUtf8(rest, maxBytes);
    const space = piece.lastIndexOf(' ');
    if (space >= piece.length / 2) piece = piece.slice(0, space + 1);
    pieces.push(piece);
    rest = rest.slice(piece.length);
  }
  pieces.push(rest);
  return pieces;
}
