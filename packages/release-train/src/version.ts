// Snapshot versions: the UTC timestamp `YYYYMMDDTHHMMSS` appended to distribution names and base
// paths, and written to kayobe-config as `stackhpc_pulp_repo_<short_name>_version`. A run takes it
// once so that every repository synced in that run shares the same version.

const VERSION_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/;

export class VersionError extends Error {
  override name = "VersionError";
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Formats `date` (default: now) as a UTC `YYYYMMDDTHHMMSS` version. */
export function versionFromDate(date: Date = new Date()): string {
  if (Number.isNaN(date.getTime())) throw new VersionError("cannot make a version from an invalid date");
  return (
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    "T" +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds())
  );
}

/** The instant a version denotes; throws `VersionError` unless it is a real UTC date and time. */
export function parseVersion(version: string): Date {
  const m = VERSION_PATTERN.exec(version);
  if (!m) throw new VersionError(`invalid version ${JSON.stringify(version)}: expected YYYYMMDDTHHMMSS`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls over (Feb 30 → Mar 2); a round trip exposes dates that do not exist.
  if (versionFromDate(date) !== version) {
    throw new VersionError(`invalid version ${JSON.stringify(version)}: not a real date and time`);
  }
  return date;
}

export function isValidVersion(version: string): boolean {
  try {
    parseVersion(version);
    return true;
  } catch {
    return false;
  }
}

/** Validates a version given by the user, or takes the current time when none is given. */
export function resolveVersion(given?: string, now: () => Date = () => new Date()): string {
  if (given === undefined || given === "") return versionFromDate(now());
  parseVersion(given);
  return given;
}
