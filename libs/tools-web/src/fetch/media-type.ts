/** The MIME type of a `Content-Type`, lower case, without parameters. */
export function mimeOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/** Whether a MIME type (as `mimeOf` gives it) is a web page, with markup to read. */
export const isHtml = (mime: string): boolean => HTML_TYPES.has(mime);

const CHARSET = /charset\s*=\s*["']?([\w.:-]+)/i;

/** The charset a `Content-Type` names (the header's, or a `<meta>`'s), lower case. */
export const charsetOf = (contentType: string): string | undefined =>
  CHARSET.exec(contentType)?.[1]?.toLowerCase();
