// Types of check-lib.mjs, for the tests that import it.
export interface Failure {
  readonly task: string;
  readonly details: string[];
}
export interface CheckStep {
  readonly name: string;
  readonly command: string;
  readonly args: string[];
  failures(output: string, exitCode: number): Failure[];
}
export interface CheckOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}
export function stripAnsi(text: string): string;
export function turboFailures(output: string, exitCode: number): Failure[];
export function prettierFailures(output: string, exitCode: number): string[];
export function summaryLines(steps: { name: string; failures: Failure[] }[]): string[];
export function runPassingThrough(
  command: string,
  args: string[],
  options?: CheckOptions,
): Promise<{ output: string; exitCode: number }>;
export function runCheck(steps: CheckStep[], options?: CheckOptions): Promise<number>;
