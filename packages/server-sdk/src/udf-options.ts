/** Options of the built-in `/udf` component. */
export interface UdfOptions {
  /**
   * Time limit of one UDF call in milliseconds. Past it the UDF's worker thread is terminated,
   * which stops any loop, synchronous or asynchronous. Default 10 000.
   */
  readonly timeoutMs?: number;
  /** Worker threads UDFs run in at most; further calls queue. Default 4. */
  readonly maxWorkers?: number;
  /** Heap limit of each UDF worker thread in MiB; a UDF that exceeds it fails. Default 256. */
  readonly maxMemoryMb?: number;
}
