/**
 * From a `components/list` result: the server's own spelling of each component it lists without
 * the leading slash routing gives (`/add` → `add`, as servers built with the reference
 * TypeScript SDK list them), by routed name; `undefined` when there is none such.
 */
export function unslashedNames(listed: unknown): ReadonlyMap<string, string> | undefined {
  const components = (listed as { components?: unknown } | null)?.components;
  if (!Array.isArray(components)) return undefined;
  const all = new Set<string>();
  for (const info of components) {
    const name = (info as { component?: unknown } | null)?.component;
    if (typeof name === 'string') all.add(name);
  }
  const names = new Map<string, string>();
  for (const name of all) {
    if (name !== '' && !name.startsWith('/') && !all.has(`/${name}`)) names.set(`/${name}`, name);
  }
  return names.size > 0 ? names : undefined;
}
