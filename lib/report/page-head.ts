import { escapeHtml } from '../notify/escape';

/**
 * The opening of a self-contained printable page, up to `<body>`: French, UTF-8, and a
 * Content-Security-Policy that allows the inline style only (no script, nothing fetched); the title
 * escaped, the style given as it is.
 *
 * @example
 * const html = `${pageHead('CAQES 2025 – PACA', STYLE)}\n<main>…</main>\n</body>\n</html>\n`;
 */
export function pageHead(title: string, style: string): string {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>`;
}
