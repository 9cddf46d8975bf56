const NAME = 'FlowCatalogError';
const MARKER = Symbol.for('stepflow.mcp.FlowCatalogError');

/** Thrown by `loadFlowCatalog` when flow files cannot be served: names every file at fault. */
export class FlowCatalogError extends Error {
  override readonly name = NAME;
  /** The directory searched. */
  readonly directory: string;
  /** One line per problem, each starting with the file at fault. */
  readonly problems: readonly string[];

  constructor(directory: string, problems: readonly string[]) {
    super(`Cannot serve the flows in ${directory}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.directory = directory;
    this.problems = problems;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** Whether `value` is a `FlowCatalogError` (works across package copies). */
  static isInstance(value: unknown): value is FlowCatalogError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }
}
