/** What control a form field is drawn as. */
export type FormFieldKind =
  'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'object' | 'json';

/** A field of a form generated from a JSON Schema. */
export interface FormField {
  /** Dotted path of the field in the value (`''` for a schema that is not an object). */
  readonly key: string;
  readonly path: readonly string[];
  readonly label: string;
  readonly description?: string;
  readonly required: boolean;
  readonly kind: FormFieldKind;
  /** The choices of an `enum` field. */
  readonly options?: readonly unknown[];
  /** The nested fields of an `object` field. */
  readonly fields?: readonly FormField[];
  /** The field's own schema, for the checks made on its value. */
  readonly schema: JsonSchema;
}

/** A JSON Schema, as far as forms read it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** The raw contents of a form's controls, by field key: text, or a checkbox's state. */
export type FormRaw = Readonly<Record<string, string | boolean>>;

/** A form's value, or the errors of its fields by key (`''` for the whole value). */
export type FormOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

/** Deepest nesting drawn as fields; deeper objects get a JSON editor (a schema is untrusted). */
export const MAX_FORM_DEPTH = 6;
/** Most fields one form draws; the rest of an object goes to a JSON editor. */
export const MAX_FORM_FIELDS = 200;

/** The fields of a form for values of `schema` (an absent or empty schema: one JSON editor). */
export function formFieldsOf(schema: unknown): FormField[] {
  const budget = { left: MAX_FORM_FIELDS };
  const root = asSchema(schema);
  if (kindOf(root, 0) === 'object') return objectFields(root, [], 1, budget);
  return [field(root, [], 'Value', true, 0, budget)];
}

/** The initial raw values of a form: each field's `default`, else empty. */
export function initialRaw(fields: readonly FormField[]): Record<string, string | boolean> {
  const raw: Record<string, string | boolean> = {};
  for (const f of flatten(fields)) {
    const value = f.schema.default;
    if (f.kind === 'boolean') raw[f.key] = value === true;
    else if (value === undefined) raw[f.key] = '';
    else if (f.kind === 'json' || f.kind === 'enum') raw[f.key] = JSON.stringify(value, null, 2);
    else raw[f.key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return raw;
}

/** Every leaf field (objects are walked into). */
export function flatten(fields: readonly FormField[]): FormField[] {
  return fields.flatMap((f) => (f.kind === 'object' ? flatten(f.fields ?? []) : [f]));
}

/**
 * Builds the value of a form from its raw contents, checking each field against its schema
 * (required, type, enum, length, range, pattern). Empty optional fields are left out.
 */
export function formValue(fields: readonly FormField[], raw: FormRaw): FormOutcome {
  const errors: Record<string, string> = {};
  const build = (list: readonly FormField[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const f of list) {
      const name = f.path[f.path.length - 1] ?? '';
      if (f.kind === 'object') {
        // An optional group left blank is absent, its required fields included.
        if (!f.required && flatten(f.fields ?? []).every((leaf) => isBlank(raw[leaf.key])))
          continue;
        const nested = build(f.fields ?? []);
        if (Object.keys(nested).length > 0 || f.required) out[name] = nested;
        continue;
      }
      const parsed = parseField(f, raw[f.key]);
      if ('error' in parsed) errors[f.key] = parsed.error;
      else if (parsed.value !== undefined) out[name] = parsed.value;
    }
    return out;
  };
  let value: unknown;
  const only = fields[0];
  if (fields.length === 1 && only !== undefined && only.path.length === 0) {
    const parsed = parseField(only, raw[only.key]);
    if ('error' in parsed) errors[only.key] = parsed.error;
    else value = parsed.value ?? null;
  } else value = build(fields);
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

/**
 * Assigns the messages of a service's 400 answer to fields: a message naming a field's path
 * (`name: …`, `/name …`, `answer.name …`) goes to that field, anything else to `''`.
 */
export function errorsFromMessages(
  fields: readonly FormField[],
  messages: readonly string[],
): Record<string, string> {
  const leaves = flatten(fields).filter((f) => f.key !== '');
  const byLength = [...leaves].sort((a, b) => b.key.length - a.key.length);
  const errors: Record<string, string> = {};
  for (const message of messages) {
    const target = byLength.find((f) => {
      const slash = `/${f.path.join('/')}`;
      return (
        message.includes(slash) ||
        new RegExp(`(^|[\\s.'"\`])${escapeRegExp(f.key)}(['"\`]|:|\\s|$)`).test(message)
      );
    });
    const key = target?.key ?? '';
    errors[key] = errors[key] === undefined ? message : `${errors[key]}; ${message}`;
  }
  return errors;
}

function objectFields(
  schema: JsonSchema,
  path: readonly string[],
  depth: number,
  budget: { left: number },
): FormField[] {
  const properties = asRecord(schema.properties);
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(properties).map(([name, sub]) =>
    field(asSchema(sub), [...path, name], name, required.has(name), depth, budget),
  );
}

function field(
  schema: JsonSchema,
  path: readonly string[],
  name: string,
  required: boolean,
  depth: number,
  budget: { left: number },
): FormField {
  budget.left--;
  let kind = kindOf(schema, depth);
  if (budget.left <= 0 && kind === 'object') kind = 'json';
  const base = {
    key: path.join('.'),
    path,
    label: typeof schema.title === 'string' ? schema.title : name,
    required,
    kind,
    schema,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
  };
  if (kind === 'enum') return { ...base, options: schema.enum as unknown[] };
  if (kind === 'object') return { ...base, fields: objectFields(schema, path, depth + 1, budget) };
  return base;
}

function kindOf(schema: JsonSchema, depth: number): FormFieldKind {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return 'enum';
  const type = schema.type;
  if (type === 'string') return 'string';
  if (type === 'number') return 'number';
  if (type === 'integer') return 'integer';
  if (type === 'boolean') return 'boolean';
  if (type === 'object' && depth < MAX_FORM_DEPTH && schema.properties !== undefined) {
    const extra = schema.additionalProperties;
    if (extra === undefined || extra === false) return 'object';
  }
  return 'json';
}

type Parsed = { value: unknown } | { error: string };

function parseField(f: FormField, raw: string | boolean | undefined): Parsed {
  if (f.kind === 'boolean') return { value: raw === true };
  const text = typeof raw === 'string' ? raw : '';
  if (text.trim() === '') return f.required ? { error: 'Required' } : { value: undefined };
  let value: unknown;
  switch (f.kind) {
    case 'string':
      value = text;
      break;
    case 'number':
    case 'integer': {
      const n = Number(text);
      if (!Number.isFinite(n)) return { error: 'Expected a number' };
      if (f.kind === 'integer' && !Number.isInteger(n)) return { error: 'Expected a whole number' };
      value = n;
      break;
    }
    case 'enum':
    case 'json':
      try {
        value = JSON.parse(text);
      } catch (error) {
        return { error: `Invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
      }
      break;
    default:
      value = text;
  }
  const problem = checkValue(f.schema, value);
  return problem === undefined ? { value } : { error: problem };
}

/** The first way `value` breaks the simple constraints of `schema`, if any. */
function checkValue(schema: JsonSchema, value: unknown): string | undefined {
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))
  )
    return `Expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      return `At least ${schema.minLength} characters`;
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      return `At most ${schema.maxLength} characters`;
    if (typeof schema.pattern === 'string') {
      try {
        if (!new RegExp(schema.pattern, 'u').test(value)) return `Must match ${schema.pattern}`;
      } catch {
        // An invalid pattern is the schema's fault: the service checks the value again.
      }
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      return `At least ${schema.minimum}`;
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      return `At most ${schema.maximum}`;
  }
  const type = schema.type;
  if (type === 'array' && !Array.isArray(value)) return 'Expected a JSON array';
  if (type === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value)))
    return 'Expected a JSON object';
  return undefined;
}

function isBlank(raw: string | boolean | undefined): boolean {
  return raw === undefined || raw === false || (typeof raw === 'string' && raw.trim() === '');
}

function asSchema(value: unknown): JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonSchema)
    : {};
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
