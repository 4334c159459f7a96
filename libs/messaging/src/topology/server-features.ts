/** What the connected server can do beyond the 2.9 baseline the project requires. */
export interface ServerFeatures {
  version: string;
  /** 2.10: stream compression and metadata. */
  compression: boolean;
  metadata: boolean;
  /** 2.10: a consumer may filter on several subjects. */
  multipleFilters: boolean;
  /** 2.11: per-message TTL. */
  messageTtl: boolean;
}

/** Reads the features from a server version string such as `2.9.10` or `2.11.0-beta.1`. */
export function serverFeatures(version: string): ServerFeatures {
  const [major = 0, minor = 0] = version.split(/[.-]/).map((part) => Number.parseInt(part, 10));
  const atLeast = (wantMajor: number, wantMinor: number) =>
    major > wantMajor || (major === wantMajor && minor >= wantMinor);
  if (!atLeast(2, 9)) {
    throw new Error(
      `nats-server ${version} is too old: Fanout needs 2.9 or newer with JetStream enabled`,
    );
  }
  return {
    version,
    compression: atLeast(2, 10),
    metadata: atLeast(2, 10),
    multipleFilters: atLeast(2, 10),
    messageTtl: atLeast(2, 11),
  };
}
