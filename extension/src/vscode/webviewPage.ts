import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The bundles' directory: the only place a webview may load from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/** A crypto-random nonce, new for every load of a webview's HTML. */
export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

export interface WebviewPage {
  /** The bundle's name in dist/webview: `<bundle>.js` and `<bundle>.css`. */
  bundle: string;
  nonce: string;
  language: string;
  title: string;
  /** Markup before the script tag (trusted: ours, never data). */
  body?: string;
}

/**
 * A webview's page (the inspector's and the rehearsal's): nothing inline but the one nonce'd script tag, which
 * loads the bundle; CSP `default-src 'none'`, scripts by that nonce only, styles, images and fonts from the
 * bundle's directory.
 */
export function webviewPage(
  webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>,
  extensionUri: vscode.Uri,
  page: WebviewPage,
): string {
  const root = webviewRoot(extensionUri);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, `${page.bundle}.js`)).toString();
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, `${page.bundle}.css`)).toString();
  const src = webview.cspSource;
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${page.nonce}'`,
    `style-src ${src}`,
    `img-src ${src} data:`,
    `font-src ${src}`,
  ].join('; ');
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="${esc(page.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(style)}">
<title>${esc(page.title)}</title>
</head>
<body>
${page.body === undefined ? '' : `${page.body}\n`}<script nonce="${esc(page.nonce)}" src="${esc(script)}"></script>
</body>
</html>`;
}
