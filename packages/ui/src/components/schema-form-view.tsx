import { useMemo, useState } from 'preact/hooks';
import type { FormField, FormRaw } from '../model/schema-form.ts';
import { formFieldsOf, formValue, initialRaw } from '../model/schema-form.ts';

/** Props of {@link SchemaForm}. */
export interface SchemaFormProps {
  /** The JSON Schema of the value the form builds. */
  readonly schema: unknown;
  /** A prefix for control ids, unique on the page. */
  readonly idPrefix: string;
  readonly submitLabel: string;
  /** Called with a value that passed the form's checks; may answer errors by field key. */
  readonly onSubmit: (value: unknown) => Promise<Record<string, string> | undefined>;
}

/**
 * A form generated from a JSON Schema: text, number, checkbox and select controls for simple
 * fields, a JSON editor for anything complex; each error is shown next to its field.
 */
export function SchemaForm({ schema, idPrefix, submitLabel, onSubmit }: SchemaFormProps) {
  const fields = useMemo(() => formFieldsOf(schema), [schema]);
  const [raw, setRaw] = useState<FormRaw>(() => initialRaw(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (key: string, value: string | boolean): void => setRaw({ ...raw, [key]: value });
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const outcome = formValue(fields, raw);
    if (!outcome.ok) {
      setErrors(outcome.errors);
      return;
    }
    setBusy(true);
    try {
      setErrors((await onSubmit(outcome.value)) ?? {});
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="schema-form" onSubmit={(e) => void submit(e)} noValidate>
      {fields.map((f) => (
        <FieldControl
          key={f.key}
          field={f}
          raw={raw}
          errors={errors}
          set={set}
          idPrefix={idPrefix}
        />
      ))}
      {errors[''] === undefined || fields.some((f) => f.key === '') ? null : (
        <p class="error" role="alert">
          {errors['']}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Working…' : submitLabel}
      </button>
    </form>
  );
}

interface FieldProps {
  readonly field: FormField;
  readonly raw: FormRaw;
  readonly errors: Readonly<Record<string, string>>;
  readonly set: (key: string, value: string | boolean) => void;
  readonly idPrefix: string;
}

function FieldControl({ field: f, raw, errors, set, idPrefix }: FieldProps) {
  const id = `${idPrefix}-${f.key === '' ? 'value' : f.key.replace(/[^\w-]/g, '_')}`;
  const error = errors[f.key];
  const describedBy = [
    f.description === undefined ? '' : `${id}-help`,
    error === undefined ? '' : `${id}-error`,
  ]
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: f.key,
    'aria-invalid': error === undefined ? undefined : ('true' as const),
    ...(describedBy === '' ? {} : { 'aria-describedby': describedBy }),
  };
  if (f.kind === 'object')
    return (
      <fieldset>
        <legend>{f.label}</legend>
        {(f.fields ?? []).map((child) => (
          <FieldControl
            key={child.key}
            field={child}
            raw={raw}
            errors={errors}
            set={set}
            idPrefix={idPrefix}
          />
        ))}
      </fieldset>
    );
  const value = raw[f.key];
  let control;
  switch (f.kind) {
    case 'boolean':
      control = (
        <input
          {...common}
          type="checkbox"
          checked={value === true}
          onChange={(e) => set(f.key, e.currentTarget.checked)}
        />
      );
      break;
    case 'enum':
      control = (
        <select
          {...common}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => set(f.key, e.currentTarget.value)}
        >
          <option value="">{f.required ? 'Choose…' : '(none)'}</option>
          {(f.options ?? []).map((option) => {
            const text = JSON.stringify(option);
            return (
              <option key={text} value={text}>
                {typeof option === 'string' ? option : text}
              </option>
            );
          })}
        </select>
      );
      break;
    case 'json':
      control = (
        <textarea
          {...common}
          class="code"
          rows={5}
          spellcheck={false}
          placeholder="JSON"
          value={typeof value === 'string' ? value : ''}
          onInput={(e) => set(f.key, e.currentTarget.value)}
        />
      );
      break;
    default:
      control = (
        <input
          {...common}
          type={f.kind === 'string' ? 'text' : 'number'}
          {...(f.kind === 'integer' ? { step: 1 } : f.kind === 'number' ? { step: 'any' } : {})}
          value={typeof value === 'string' ? value : ''}
          onInput={(e) => set(f.key, e.currentTarget.value)}
        />
      );
  }
  return (
    <div class={`field field-${f.kind}`}>
      <label for={id}>
        {f.label}
        {f.required ? <span aria-hidden="true"> *</span> : null}
        {f.required ? <span class="sr-only"> (required)</span> : null}
      </label>
      {control}
      {f.description === undefined ? null : (
        <small id={`${id}-help`} class="help">
          {f.description}
        </small>
      )}
      {error === undefined ? null : (
        <small id={`${id}-error`} class="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}
