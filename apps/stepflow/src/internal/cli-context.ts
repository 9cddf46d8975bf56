import type { Readable } from 'node:stream';
import type { Logger } from '@stepflow/runtime';
import type { LogFormat } from './log-level.ts';

/** The process surroundings a command runs in (injected, so tests can drive commands directly). */
export interface CliIo {
  readonly stdin: Readable;
  /** Command output (results, reports). */
  readonly writeOut: (text: string) => void;
  /** Everything else: errors, diagnostics, logs, progress. */
  readonly writeErr: (text: string) => void;
  /** Whether stdin is a terminal (then `run` says it is waiting for input). */
  readonly stdinIsTty: boolean;
  /** Whether stderr is a terminal (live progress is shown only then). */
  readonly stderrIsTty: boolean;
  /** The current directory. */
  readonly cwd: string;
  /** Environment variables (for `STEPFLOW_LOG_LEVEL`, config substitution). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What every command action receives: the io plus a logger built from the global flags. */
export interface CliContext {
  readonly io: CliIo;
  readonly logger: Logger;
  /** Whether warnings (e.g. diagnostics of level `warning`) should be shown. */
  readonly showWarnings: boolean;
  /** `--log-format`: how notices a command always prints (e.g. a durable run's id) look. */
  readonly logFormat: LogFormat;
  /** OTLP/HTTP endpoint to export traces and metrics to (`--otlp-endpoint`). */
  readonly otlpEndpoint?: string;
}
