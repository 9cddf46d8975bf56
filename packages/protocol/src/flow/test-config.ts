import { z } from 'zod';
import { uint, uint16, uint32 } from '../internal/numbers.ts';
import { JsonValueSchema } from '../json-value.ts';
import { FlowResultSchema } from '../wire/flow-result.ts';

/** Schema for the health check of a test server. */
export const TestServerHealthCheckSchema = z.looseObject({
  /** HTTP path polled until it answers, e.g. `/health`. */
  path: z.string(),
  /** Timeout per attempt in milliseconds (default 5000). */
  timeoutMs: uint().optional(),
  /** Attempts before giving up (default 3). */
  retryAttempts: uint32().optional(),
  /** Delay between attempts in milliseconds (default 1000). */
  retryDelayMs: uint().optional(),
});

/** The health check of a test server. */
export type TestServerHealthCheck = z.infer<typeof TestServerHealthCheckSchema>;

/**
 * Schema for a server started before a flow's test cases. `args` and `env` may contain the
 * placeholders `{port}`, `{name.port}` and `{name.url}`.
 */
export const TestServerConfigSchema = z.looseObject({
  /** Command to start the server. */
  command: z.string(),
  /** Arguments for the command. */
  args: z.array(z.string()).optional(),
  /** Extra environment variables (the runner's environment is inherited). */
  env: z.record(z.string(), z.string()).optional(),
  /** Working directory, relative to the flow file's directory. */
  workingDirectory: z.string().nullish(),
  /** Inclusive port range to pick a free port from. */
  portRange: z.tuple([uint16(), uint16()]).nullish(),
  /** How to tell the server is ready (default: its port accepts connections). */
  healthCheck: TestServerHealthCheckSchema.nullish(),
  /** Maximum startup time in milliseconds (default 10000). */
  startupTimeoutMs: uint().optional(),
  /** Maximum shutdown time in milliseconds (default 5000). */
  shutdownTimeoutMs: uint().optional(),
});

/** A server started before a flow's test cases. */
export type TestServerConfig = z.infer<typeof TestServerConfigSchema>;

/** Schema for one test case of a flow: an input and optionally the expected FlowResult. */
export const TestCaseSchema = z.looseObject({
  /** Name, unique within the flow. */
  name: z.string(),
  /** What the case verifies. */
  description: z.string().nullish(),
  /** The flow input. */
  input: JsonValueSchema,
  /** The expected result; absent means only "it runs". */
  output: FlowResultSchema.nullish(),
});

/** One test case of a flow. */
export type TestCase = z.infer<typeof TestCaseSchema>;

/** Schema for a flow's `test` section. */
export const TestConfigSchema = z.looseObject({
  /** Servers to start before the cases, by name. */
  servers: z.record(z.string(), TestServerConfigSchema).optional(),
  /**
   * A Stepflow config used for the tests (validate it with `StepflowConfigSchema` after
   * placeholder substitution).
   */
  config: z.unknown().optional(),
  /** The test cases. */
  cases: z.array(TestCaseSchema).optional(),
});

/** A flow's `test` section. */
export type TestConfig = z.infer<typeof TestConfigSchema>;
