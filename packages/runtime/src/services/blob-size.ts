import { canonicalBlobText } from '@stepflow/blob-store';
import { ErrorCodes } from '@stepflow/protocol';
import { RuntimeServiceError } from '../errors/runtime-service-error.ts';
import { MAX_VALUE_DEPTH, exceedsValueDepth } from '../internal/value-depth.ts';

/** Default largest blob: 32 MiB, the protocol's default message limit. */
export const DEFAULT_MAX_BLOB_BYTES = 32 * 1024 * 1024;

function describeBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${bytes} bytes (${mib} MiB)` : `${bytes} bytes`;
}

/**
 * Refuses a blob whose compact JSON text is larger than `maxBytes`, or that is nested too deeply
 * to serialise safely, with a `RuntimeServiceError` (-32012) naming the size and the limit.
 */
export function checkBlobSize(data: unknown, maxBytes: number): void {
  if (exceedsValueDepth(data)) {
    throw new RuntimeServiceError(
      ErrorCodes.invalidValue,
      `Blob refused: its data nests arrays and objects more than ${MAX_VALUE_DEPTH} levels deep (the limit)`,
      { max_value_depth: MAX_VALUE_DEPTH },
    );
  }
  let text: string;
  try {
    text = canonicalBlobText(data);
  } catch (error) {
    throw new RuntimeServiceError(ErrorCodes.invalidValue, 'Blob refused: not a JSON value', {
      reason: (error as Error).message,
    });
  }
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most texts are decided without counting.
  if (text.length * 3 <= maxBytes) return;
  const size = Buffer.byteLength(text, 'utf8');
  if (size <= maxBytes) return;
  throw new RuntimeServiceError(
    ErrorCodes.invalidValue,
    `Blob too large: ${size} bytes, more than the limit of ${describeBytes(maxBytes)}`,
    { size_bytes: size, max_bytes: maxBytes },
  );
}
