/**
 * An escape of `$'…'` that stands for no character, so what bash makes of it (invalid
 * UTF-8, or a byte that wraps round to another) cannot be known here. `index` is where the
 * escape starts in the parsed source, so the refusal can say where it is.
 */
export class UnreadableEscape extends Error {
  constructor(
    readonly escape: string,
    readonly index: number,
    readonly why: string,
  ) {
    super(`the escape \`${escape}\` ${why}`);
    this.name = 'UnreadableEscape';
  }
}

const C_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/**
 * The escapes as bash's `ansicstr` reads them: hex and octal take at most 2 and 3 digits,
 * `\u` and `\U` at most 4 and 8, `\c\\` is one control character. An `x`, `u`, `U` or `c`
 * with nothing to take stays as written, as does an escape bash does not know.
 */
const ESCAPE = /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c\\\\|c.|.)/gs;

/**
 * Decodes the body of `$'…'` (without `$'` and `'`) to the string bash passes, cut at the
 * first NUL as bash cuts it (`$'rm\0x'` is `rm`). `at` is where the body starts in the
 * source. Bytes from `\xHH` and `\nnn` above 0x7f come out as the code points of the same
 * number. Throws {@link UnreadableEscape} for an escape that names no character.
 */
export function decodeAnsiC(body: string, at: number): string {
  const decoded = body.replace(ESCAPE, (whole, escape: string, offset: number) => {
    const refuse = (why: string) => new UnreadableEscape(whole, at + offset, why);
    if (/^[xuU][0-9a-fA-F]/.test(escape)) {
      const code = parseInt(escape.slice(1), 16);
      if (code > 0x10ffff) throw refuse(`names no character (U+${hex(code)} is past U+10FFFF)`);
      if (code >= 0xd800 && code <= 0xdfff) {
        throw refuse(`names no character (U+${hex(code)} is a surrogate)`);
      }
      return String.fromCodePoint(code);
    }
    if (/^[0-7]/.test(escape)) {
      const code = parseInt(escape, 8);
      if (code > 0o377) throw refuse('names no byte (it is past \\377, and bash wraps it round)');
      return String.fromCharCode(code);
    }
    if (escape.startsWith('c') && escape.length > 1) return control(escape.charAt(1));
    return C_ESCAPES[escape] ?? whole;
  });
  const nul = decoded.indexOf('\0');
  return nul === -1 ? decoded : decoded.slice(0, nul);
}

/** `\cX`: DEL for `?`, else the low five bits of X (as bash's TOCTRL). */
function control(char: string): string {
  return char === '?' ? '\x7f' : String.fromCharCode(char.toUpperCase().charCodeAt(0) & 0x1f);
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}
