import { PAGE_CSP, PAGE_TEMPLATE } from './page-assets.js'

/** The headers of the page: its policy lets only its own inlined script and style run, and sends no Referer. */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
}

/** The page, told where its API is. The path was checked at creation; it is escaped all the same. */
export function pageHtml(path: string): string {
  return PAGE_TEMPLATE.replace('__ROOMHOOKS_BASE__', () => escapeAttribute(path))
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
