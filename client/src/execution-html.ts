// The page of the "Show execution" webview around the server's SVG. No vscode import, so it is
// tested as plain text. It loads nothing and runs nothing: the Content-Security-Policy allows
// no script, no network and only the one inline stylesheet carrying its nonce, and the colours
// come from VS Code's theme variables (the SVG's own colours are the fallback for a file).

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The policy: nothing by default; the inline style only with its nonce; pictures only inline. */
export function executionCsp(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; font-src 'none'; script-src 'none'; connect-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'`;
}

// Presentation attributes of the SVG lose to any CSS rule, so these rules re-colour it.
const THEME = `
body { background: var(--vscode-editor-background); color: var(--vscode-editor-foreground);
  font-family: var(--vscode-font-family); margin: 0; padding: 12px 16px; }
h1 { font-size: 1.1em; font-weight: 600; margin: 0 0 8px; }
.legend span { margin-right: 1.2em; font-family: var(--vscode-editor-font-family); }
.picture { overflow: auto; }
svg { font-family: var(--vscode-editor-font-family); max-width: 100%; height: auto; }
svg > rect { fill: var(--vscode-editor-background); }
svg text { fill: var(--vscode-editor-foreground); }
svg .event rect { fill: var(--vscode-editorWidget-background); stroke: var(--vscode-editorWidget-border, var(--vscode-contrastBorder, var(--vscode-editor-foreground))); }
svg .event text + text { fill: var(--vscode-descriptionForeground); }
svg .edge.po path { stroke: var(--vscode-editor-foreground); }
svg .edge.po text, #arrow-po path, .legend .po { fill: var(--vscode-editor-foreground); color: var(--vscode-editor-foreground); }
svg .edge.rf path { stroke: var(--vscode-charts-red); }
svg .edge.rf text, #arrow-rf path { fill: var(--vscode-charts-red); }
svg .edge.co path { stroke: var(--vscode-charts-blue); }
svg .edge.co text, #arrow-co path { fill: var(--vscode-charts-blue); }
svg .edge.fr path { stroke: var(--vscode-charts-orange); }
svg .edge.fr text, #arrow-fr path { fill: var(--vscode-charts-orange); }
.legend .rf { color: var(--vscode-charts-red); }
.legend .co { color: var(--vscode-charts-blue); }
.legend .fr { color: var(--vscode-charts-orange); }
`;

/** The webview's HTML: a heading, a legend of the edge kinds and the SVG inline. */
export function executionHtml(a: { heading: string; svg: string; nonce: string }): string {
  // The server's SVG is ours, but it goes into a page: drop anything that could be active
  // content, even though the policy would refuse to run it.
  const svg = a.svg.replace(/<\?xml[^>]*>/g, '').replace(/<script\b[\s\S]*?<\/script>/gi, '').replace(/\son\w+="[^"]*"/gi, '');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${executionCsp(a.nonce)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<style nonce="${a.nonce}">${THEME}</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(a.heading)}</h1>`,
    '<p class="legend"><span class="po">po: program order</span><span class="rf">rf: reads from</span><span class="co">co: coherence order</span><span class="fr">fr: from-read</span></p>',
    `<div class="picture">${svg}</div>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
