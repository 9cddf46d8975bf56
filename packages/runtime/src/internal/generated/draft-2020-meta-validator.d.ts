import type { ErrorObject } from 'ajv';

/** Checks a schema against the JSON Schema 2020-12 meta-schema; `errors` says why it failed. */
export declare const validate: ((schema: unknown) => boolean) & {
  errors?: ErrorObject[] | null;
};
export default validate;
