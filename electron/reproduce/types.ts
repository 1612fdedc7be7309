// Shared shapes inside the reproduce backend. Readers turn a PyRosettaCluster result file into raw records;
// record.ts turns a raw record into what the researcher sees (and its warnings); recreate/ and script/ act on it.
// Nothing here ever needs PyRosetta, and nothing read from a file is ever executed.

/** Bounds on the cost of reading one file: hostile or broken input must fail fast with a clear message. */
export interface ReadLimits {
  /** Largest input file accepted, in bytes. */
  maxFileBytes: number;
  /** Largest total decompressed size, in bytes (decompression bombs stop here). */
  maxDecompressedBytes: number;
  /** Longest text line accepted when scanning text (a REMARK record line can be long: it holds lock files). */
  maxLineBytes: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxFileBytes: 2 * 1024 ** 3,
  maxDecompressedBytes: 1024 ** 3,
  maxLineBytes: 256 * 1024 ** 2,
};

/** A PyRosettaCluster full record exactly as stored: `{"instance": …, "metadata": …, "scores": …}`. */
export interface RawRecord {
  instance: Record<string, unknown>;
  metadata: Record<string, unknown>;
  scores: Record<string, unknown>;
}

export type FileFormat =
  | 'pdb'
  | 'json-scorefile'
  | 'pickle-scorefile'
  | 'init'
  | 'pkl_pose'
  | 'b64_pose';

/** What a .init file says about itself, readable without PyRosetta. */
export interface InitSummary {
  author: string;
  email: string;
  license: string;
  pyrosettaBuild: string;
  datetime: string;
  /** Rosetta options as `{name: values}`; embedded files are replaced by `[embedded file <name>, N bytes]`. */
  options: Record<string, unknown>;
  /** Files embedded in the options (params files, constraint files ...). */
  files: { option: string; name: string; bytes: number; kind: 'text' | 'binary' }[];
  numPoses: number;
  metadata: Record<string, unknown>;
}

export interface ReadResult {
  format: FileFormat;
  /** Compression layers peeled off, outermost first (e.g. ['bzip2'] or ['gzip', 'tar']). */
  layers: string[];
  /** Records found, by decoy name (metadata.decoy_name). A decoy file has one. */
  records: { decoyName: string; record: RawRecord }[];
  /** Things the researcher should know about the file itself (not the record), each a full sentence. */
  notes: string[];
  init?: InitSummary;
  /** Set when the record could not be extracted without PyRosetta: offer the official dump_env_file.py helper. */
  needsHelper?: { reason: string };
}

/** Every reader failure is one of these, with a message that says what was wrong and what to do. */
export class ReadError extends Error {
  constructor(
    readonly kind: 'unsupported' | 'corrupt' | 'truncated' | 'too-large' | 'no-record' | 'hostile',
    message: string,
  ) {
    super(message);
    this.name = 'ReadError';
  }
}
