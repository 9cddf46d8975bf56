/** Options of the built-in `/udf` component. */
export interface UdfOptions {
  /** Time limit of one UDF call in milliseconds (synchronous code is interrupted). Default 10 000. */
  readonly timeoutMs?: number;
}
