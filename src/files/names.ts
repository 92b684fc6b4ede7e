/**
 * A file name as kept and offered for download: control characters and the characters that reorder text
 * (bidi overrides and isolates, which make "evil\u202Efdp.exe" show as "evilexe.pdf") go first, then any
 * folders, then it is cut to 200 characters. An empty result is "attachment".
 */
export function safeFileName(name: string): string {
  return (
    name
      .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
      .replace(/^.*[\\/]/, '')
      .trim()
      .slice(0, 200) || 'attachment'
  );
}
