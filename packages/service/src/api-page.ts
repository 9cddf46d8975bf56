/**
 * A self-contained HTML page listing the API's routes from its OpenAPI document: no script
 * or style from a CDN, so it works offline and under a strict Content-Security-Policy.
 */
export function apiPageHtml(document: {
  readonly info: { readonly title: string; readonly version: string };
  readonly paths?: object;
}): string {
  const rows: string[] = [];
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(
      (operations ?? {}) as Record<string, { summary?: string }>,
    )) {
      rows.push(
        `<tr><td><code>${escape(method.toUpperCase())}</code></td><td><code>${escape(path)}</code></td><td>${escape(operation.summary ?? '')}</td></tr>`,
      );
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}td{padding:.25rem .75rem;vertical-align:top}</style>
</head><body>
<h1>${escape(document.info.title)} <small>${escape(document.info.version)}</small></h1>
<p>The machine-readable document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></body></html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
