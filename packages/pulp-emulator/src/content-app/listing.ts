const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The directory index page the content app renders (entries end with `/` for directories). */
export function listingHtml(path: string, entries: string[]): string {
  const links = entries.map((e) => `<a href="${escapeHtml(encodeURI(e))}">${escapeHtml(e)}</a>`).join("\n");
  return `<!DOCTYPE html>
<html>
<head><title>Index of ${escapeHtml(path)}</title></head>
<body>
<h1>Index of ${escapeHtml(path)}</h1>
<hr><pre><a href="../">../</a>
${links}
</pre><hr></body>
</html>
`;
}
