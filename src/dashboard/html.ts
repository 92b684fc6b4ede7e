/** The dashboard's HTML helper is the HTTP foundation's, shared with the clients' portal. */
export { Html, escapeHtml, html, raw } from '../http/html.js';
