import type { ExecutionContext } from '../plugin.ts';

/** What every builtin gets besides its input. */
export interface BuiltinEnvironment {
  /** Base directory for relative paths (§4.6). */
  readonly workingDirectory: string;
  /** Absolute directories outside the working directory that `load_file` may read. */
  readonly allowedPaths: readonly string[];
  /** Environment variables (`OPENAI_API_KEY`, `OPENAI_BASE_URL`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `fetch` used by `openai`. */
  readonly fetch: typeof fetch;
}

/** One builtin component: its name, description, schemas and implementation. */
export interface BuiltinComponent {
  /** Post-routing name, e.g. `/eval`. */
  readonly name: string;
  /** One-line description (REF's text). */
  readonly description: string;
  /** JSON Schema (draft 2020-12) of the input; inputs are validated against it. */
  readonly inputSchema: Record<string, unknown>;
  /** JSON Schema of the output. */
  readonly outputSchema: Record<string, unknown>;
  /**
   * Runs with a validated input. Returns the output value (wrapped as a success) or a FlowResult
   * when `returnsFlowResult` is set; throws `ComponentError` for a step failure.
   */
  execute(
    input: Record<string, unknown>,
    context: ExecutionContext,
    environment: BuiltinEnvironment,
  ): Promise<unknown>;
  /** When set, `execute` returns a complete FlowResult (iterate reports failures as results). */
  readonly returnsFlowResult?: boolean;
}
