// The snake_case spellings accepted in flow documents (DECISIONS item 8), per object kind: used
// by normalizeFlowAliases and to mark the aliases deprecated in the editor schema.

/** Top-level flow keys. */
export const FLOW_ALIASES = { input_schema: 'inputSchema', output_schema: 'outputSchema' } as const;

/** Step keys. */
export const STEP_ALIASES = {
  input_schema: 'inputSchema',
  output_schema: 'outputSchema',
  skip_if: 'skipIf',
  on_error: 'onError',
  timeout_ms: 'timeoutMs',
} as const;

/** `onError` keys. */
export const ERROR_ACTION_ALIASES = {
  default_value: 'defaultValue',
  max_attempts: 'maxAttempts',
} as const;

/** `onError.backoff` keys. */
export const BACKOFF_ALIASES = { initial_ms: 'initialMs', max_ms: 'maxMs' } as const;

/** Reference (`$from` object) keys. */
export const REFERENCE_ALIASES = { on_skip: 'onSkip' } as const;

/** `onSkip` keys. */
export const SKIP_ACTION_ALIASES = { default_value: 'defaultValue' } as const;

/** `test` keys. */
export const TEST_ALIASES = { stepflow_config: 'config' } as const;

/** `test.servers.*` keys. */
export const TEST_SERVER_ALIASES = {
  working_directory: 'workingDirectory',
  port_range: 'portRange',
  health_check: 'healthCheck',
  startup_timeout_ms: 'startupTimeoutMs',
  shutdown_timeout_ms: 'shutdownTimeoutMs',
} as const;

/** `test.servers.*.healthCheck` keys. */
export const HEALTH_CHECK_ALIASES = {
  timeout_ms: 'timeoutMs',
  retry_attempts: 'retryAttempts',
  retry_delay_ms: 'retryDelayMs',
} as const;
