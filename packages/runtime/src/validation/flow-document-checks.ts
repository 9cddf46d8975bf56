import { FLOW_SCHEMA_URL } from '@stepflow/protocol';
import { isObject, type FlowCheck } from './flow-check.ts';

const FLOW_KEYS = [
  'schema',
  'name',
  'description',
  'version',
  'inputSchema',
  'outputSchema',
  'steps',
  'output',
  'test',
  'examples',
  'metadata',
];

/** Checks the flow's own keys: `schema`, the fields' types, name and description, its schemas. */
export function checkFlowDocument(check: FlowCheck, doc: Record<string, unknown>): void {
  if (doc.schema !== FLOW_SCHEMA_URL) {
    check.add(
      'fatal',
      'invalidFlowSchema',
      doc.schema === undefined
        ? `Missing 'schema: ${FLOW_SCHEMA_URL}'`
        : `Unsupported flow schema ${JSON.stringify(doc.schema)} (expected '${FLOW_SCHEMA_URL}')`,
      ['schema'],
      { field: 'schema' },
    );
  }
  check.unknownKeys(doc, FLOW_KEYS, [], 'the flow');
  checkFieldTypes(check, doc);
  if (typeof doc.name !== 'string' || doc.name.trim() === '')
    check.add('warning', 'missingWorkflowName', 'Workflow has no name defined', ['name'], {
      field: 'name',
    });
  if (typeof doc.description !== 'string' || doc.description.trim() === '')
    check.add(
      'warning',
      'missingWorkflowDescription',
      'Workflow has no description defined',
      ['description'],
      { field: 'description' },
    );
  check.schemas(doc, (key) => `The flow's ${key}`, []);
}

function checkFieldTypes(check: FlowCheck, doc: Record<string, unknown>): void {
  for (const key of ['name', 'description', 'version'] as const) {
    const value = doc[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      check.add(
        'error',
        'invalidField',
        `The flow's ${key} must be a string, got ${JSON.stringify(value)}`,
        [key],
        { field: key },
      );
    }
  }
  for (const key of ['metadata', 'test'] as const) {
    const value = doc[key];
    if (value !== undefined && value !== null && !isObject(value)) {
      check.add('error', 'invalidField', `The flow's ${key} must be an object`, [key], {
        field: key,
      });
    }
  }
  if (doc.examples !== undefined && doc.examples !== null && !Array.isArray(doc.examples)) {
    check.add('error', 'invalidField', "The flow's examples must be a list", ['examples'], {
      field: 'examples',
    });
  }
}
