/**
 * The Content-Security-Policy for the renderer, shared by the Electron window and browser mode.
 * No 'unsafe-eval' anywhere. Styles allow inline because ag-grid and recharts set style attributes
 * and ag-grid injects its theme CSS at run time (https://www.ag-grid.com/javascript-data-grid/security/).
 */
export function contentSecurityPolicy(options: { connectSources?: readonly string[] } = {}): string {
  const connect = ["'self'", ...(options.connectSources ?? [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
