// Builds the JSON Schema we ship for editors (`dist/flow.schema.json`) from the reference flow
// schema: the same document plus our extensions (retry settings, step `timeoutMs`) and the load
// rule that every object holding `$from` must be a valid reference, checked recursively the way
// the runtime reads templates. The parity test checks it against the zod schemas fixture by fixture.

import {
  BACKOFF_ALIASES,
  ERROR_ACTION_ALIASES,
  FLOW_ALIASES,
  HEALTH_CHECK_ALIASES,
  REFERENCE_ALIASES,
  SKIP_ACTION_ALIASES,
  STEP_ALIASES,
  TEST_ALIASES,
  TEST_SERVER_ALIASES,
} from './flow-aliases.ts';

type JsonObject = Record<string, unknown>;

/** Lists snake_case aliases as deprecated, unconstrained properties (editors strike them out). */
function addAliases(properties: JsonObject, aliases: Readonly<Record<string, string>>): void {
  for (const [alias, canonical] of Object.entries(aliases)) {
    properties[alias] = {
      description: `Deprecated alias of \`${canonical}\`: accepted with a warning; write \`${canonical}\`.`,
      deprecated: true,
    };
  }
}

function objectAt(root: JsonObject, ...keys: string[]): JsonObject {
  let node: unknown = root;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null || !(key in node)) {
      throw new Error(`flow schema: missing ${keys.join('.')}`);
    }
    node = (node as JsonObject)[key];
  }
  return node as JsonObject;
}

function variant(list: unknown, title: string): JsonObject {
  const found = (list as JsonObject[]).find((item) => item['title'] === title);
  if (found === undefined) throw new Error(`flow schema: missing variant ${title}`);
  return found;
}

const isReferenceObject = { type: 'object', required: ['$from'] };

/** Returns the editor flow schema derived from the reference `flow.schema.json` (not mutated). */
export function buildEditorFlowSchema(reference: JsonObject): JsonObject {
  const schema = structuredClone(reference);
  schema['description'] =
    'A Stepflow flow document, as accepted by Stepflow TS (the reference format plus the retry and timeoutMs extensions).';
  const defs = objectAt(schema, '$defs');
  const exprVariants = objectAt(defs, 'Expr')['anyOf'];
  defs['Reference'] = variant(exprVariants, 'Reference');
  defs['EscapedLiteral'] = variant(exprVariants, 'EscapedLiteral');

  defs['Expr'] = {
    description:
      'An expression: a reference ({$from, path?, onSkip?}), an escaped literal ({$literal}) or a literal value. An object holding $from must be a valid reference.',
    if: isReferenceObject,
    then: { $ref: '#/$defs/Reference' },
  };
  defs['ValueTemplate'] = {
    description:
      'A JSON value in which every object holding $from is a reference and every object holding $literal is taken verbatim; other objects and arrays are templates too.',
    if: isReferenceObject,
    then: { $ref: '#/$defs/Reference' },
    else: {
      if: { type: 'object', required: ['$literal'] },
      then: true,
      else: {
        items: { $ref: '#/$defs/ValueTemplate' },
        additionalProperties: { $ref: '#/$defs/ValueTemplate' },
      },
    },
  };

  const stepProperties = objectAt(defs, 'Step', 'properties');
  stepProperties['timeoutMs'] = {
    description:
      'Extension: fail an attempt of this step that takes longer than this many milliseconds.',
    type: 'integer',
    minimum: 1,
  };

  defs['RetryBackoff'] = {
    description: 'Extension: delay between retry attempts.',
    type: 'object',
    properties: {
      initialMs: {
        description: 'Delay before the second attempt in milliseconds (default 100).',
        type: 'number',
        minimum: 0,
      },
      multiplier: {
        description: 'Factor applied to the delay after each attempt (default 2).',
        type: 'number',
        minimum: 1,
      },
      maxMs: {
        description: 'Upper bound of the delay in milliseconds (default 10000).',
        type: 'number',
        minimum: 0,
      },
      jitter: { description: 'Randomise each delay (on unless false).', type: 'boolean' },
    },
  };
  const retry = variant(objectAt(defs, 'ErrorAction')['oneOf'], 'OnErrorRetry');
  retry['description'] = 'If the step fails, run it again (up to maxAttempts, with backoff).';
  const retryProperties = objectAt(retry, 'properties');
  retryProperties['maxAttempts'] = {
    description: 'Extension: total attempts including the first (default 3).',
    type: 'integer',
    minimum: 1,
  };
  retryProperties['backoff'] = { $ref: '#/$defs/RetryBackoff' };

  addAliases(objectAt(schema, 'oneOf', '0', 'properties'), FLOW_ALIASES);
  addAliases(stepProperties, STEP_ALIASES);
  const { default_value, max_attempts } = ERROR_ACTION_ALIASES;
  addAliases(retryProperties, { max_attempts });
  const useDefault = variant(objectAt(defs, 'ErrorAction')['oneOf'], 'OnErrorDefault');
  addAliases(objectAt(useDefault, 'properties'), { default_value });
  addAliases(objectAt(defs, 'RetryBackoff', 'properties'), BACKOFF_ALIASES);
  addAliases(objectAt(defs, 'Reference', 'properties'), REFERENCE_ALIASES);
  const skipDefault = variant(objectAt(defs, 'SkipAction')['oneOf'], 'OnSkipDefault');
  addAliases(objectAt(skipDefault, 'properties'), SKIP_ACTION_ALIASES);
  addAliases(objectAt(defs, 'TestConfig', 'properties'), TEST_ALIASES);
  addAliases(objectAt(defs, 'TestServerConfig', 'properties'), TEST_SERVER_ALIASES);
  addAliases(objectAt(defs, 'TestServerHealthCheck', 'properties'), HEALTH_CHECK_ALIASES);
  return schema;
}
