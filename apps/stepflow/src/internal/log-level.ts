/** Log levels, least to most severe; `silent` turns logging off. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** A log level accepted by `--log-level`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How log lines look: `text` for people, `json` (one object per line) for machines. */
export type LogFormat = 'text' | 'json';
