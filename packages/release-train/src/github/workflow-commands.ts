// Escaping for GitHub workflow commands (`::error file=…::message`), as @actions/core does it
// (toCommandValue / escapeProperty in actions/toolkit core/src/command.ts).

/** A command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A command's property value (`file=`, `title=`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
