/** The job summary: what changed, and the pull request. */
export function summaryText(changed: boolean, description: string, pullRequestUrl?: string): string {
  const heading = changed ? "### kayobe-config: package repository versions updated" : "### kayobe-config: already up to date";
  const pr = pullRequestUrl ? `\n\nPull request: ${pullRequestUrl}` : "";
  return `${heading}${changed ? `\n\n${description}` : ""}${pr}\n`;
}
