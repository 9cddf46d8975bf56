import { ComponentError, type ComponentServer } from '@stepflow/server-sdk';
import * as z from 'zod';

/** Registers `/fail`: always fails with the given code, message and data (for `onError` demos). */
export function addFail(server: ComponentServer): void {
  server.component(
    'fail',
    {
      description:
        'Always fails with the given error (a deliberate ComponentError), to exercise onError',
      input: z.object({
        code: z.number().int().default(400),
        message: z.string().default('Deliberate failure'),
        data: z.unknown().optional(),
      }),
    },
    ({ code, message, data }) => {
      throw new ComponentError(code, message, data);
    },
  );
}
