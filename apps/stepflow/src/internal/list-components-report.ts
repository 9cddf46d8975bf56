import type { ListedComponent } from '@stepflow/runtime';
import { stringify } from 'yaml';

/** One route through which a component can be reached (§7.2 `list-components` JSON). */
export interface ComponentRoute {
  readonly pathPattern: string;
  readonly resolvedPath: string;
  readonly conditions: readonly unknown[];
  readonly isConditional: boolean;
}

/** A component as `list-components` reports it. */
export interface ComponentEntry {
  readonly component: string;
  readonly description?: string;
  readonly input_schema?: unknown;
  readonly output_schema?: unknown;
  readonly plugin: string;
  readonly routes: readonly ComponentRoute[];
}

interface RouteRuleLike {
  readonly plugin: string;
  readonly conditions?: readonly unknown[];
  readonly componentAllow?: readonly string[];
  readonly componentDeny?: readonly string[];
  readonly component?: string;
}

/** Options of {@link buildComponentEntries}. */
export interface ComponentEntryOptions {
  readonly schemas: boolean;
  readonly hideUnreachable: boolean;
}

/** Joins listed components with the routes that reach them; sorted by component name. */
export function buildComponentEntries(
  listed: readonly ListedComponent[],
  routes: Readonly<Record<string, readonly RouteRuleLike[]>>,
  options: ComponentEntryOptions,
): ComponentEntry[] {
  const entries = listed.map(({ plugin, info }): ComponentEntry => {
    const reach = routesTo(info.component, plugin, routes);
    return {
      component: info.component,
      ...(info.description == null ? {} : { description: info.description }),
      ...(options.schemas && info.input_schema != null ? { input_schema: info.input_schema } : {}),
      ...(options.schemas && info.output_schema != null
        ? { output_schema: info.output_schema }
        : {}),
      plugin,
      routes: reach,
    };
  });
  return entries
    .filter((entry) => !options.hideUnreachable || entry.routes.length > 0)
    .sort((a, b) =>
      a.component === b.component
        ? a.plugin.localeCompare(b.plugin)
        : a.component < b.component
          ? -1
          : 1,
    );
}

/** Every route whose rule sends some step component path to `component` of `plugin`. */
export function routesTo(
  component: string,
  plugin: string,
  routes: Readonly<Record<string, readonly RouteRuleLike[]>>,
): ComponentRoute[] {
  const found: ComponentRoute[] = [];
  for (const [pattern, rules] of Object.entries(routes)) {
    for (const rule of rules) {
      if (rule.plugin !== plugin) continue;
      if (rule.componentAllow && !rule.componentAllow.includes(component)) continue;
      if (rule.componentDeny?.includes(component)) continue;
      const resolvedPath = reverseRoute(pattern, rule.component, component);
      if (resolvedPath === undefined) continue;
      const conditions = rule.conditions ?? [];
      found.push({
        pathPattern: pattern,
        resolvedPath,
        conditions,
        isConditional: conditions.length > 0,
      });
    }
  }
  return found;
}

const PARAM = /\{(\*?)([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * The step component path that reaches `component` through `pattern` (and the rule's optional
 * component template), or `undefined` when none does. Without a template the post-routing name
 * is `/` + the `component` parameter (§4.4).
 */
function reverseRoute(
  pattern: string,
  template: string | undefined,
  component: string,
): string | undefined {
  const params = new Map<string, string>();
  if (template === undefined) {
    params.set('component', component.replace(/^\//, ''));
  } else {
    const names: string[] = [];
    const source = escapeRegExp(template).replace(
      /\\\{(\\\*)?([A-Za-z_][A-Za-z0-9_]*)\\\}/g,
      (_m, star: string | undefined, name: string) => {
        names.push(name);
        return star ? '(.+)' : '([^/]+)';
      },
    );
    const match = new RegExp(`^${source}$`).exec(component);
    if (!match) return undefined;
    names.forEach((name, index) => params.set(name, match[index + 1] ?? ''));
  }
  let reachable = true;
  const path = pattern.replace(PARAM, (_match, star: string, name: string) => {
    const value = params.get(name);
    if (value === undefined || value === '' || (star === '' && value.includes('/'))) {
      reachable = false;
      return '';
    }
    return value;
  });
  return reachable ? path : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Human-readable listing: one block per component, then the total. */
export function formatComponentsPretty(
  entries: readonly ComponentEntry[],
  schemas: boolean,
): string {
  const lines: string[] = [];
  for (const entry of entries) {
    lines.push(`Component: ${entry.component} (plugin: ${entry.plugin})`);
    if (entry.description) lines.push(`  Description: ${entry.description}`);
    if (entry.routes.length > 0) {
      lines.push('  Available Routes:');
      for (const route of entry.routes) {
        const conditional = route.isConditional ? ' (conditional)' : '';
        lines.push(`    - ${route.resolvedPath}  [pattern ${route.pathPattern}]${conditional}`);
      }
    } else {
      lines.push('  Available Routes: none (unreachable)');
    }
    if (schemas) {
      if (entry.input_schema !== undefined)
        lines.push(`  Input Schema: ${JSON.stringify(entry.input_schema)}`);
      if (entry.output_schema !== undefined)
        lines.push(`  Output Schema: ${JSON.stringify(entry.output_schema)}`);
    }
    lines.push('');
  }
  lines.push(`Total components: ${entries.length}`);
  return `${lines.join('\n')}\n`;
}

/** The JSON or YAML document `{components: [...]}`. */
export function formatComponentsData(
  entries: readonly ComponentEntry[],
  format: 'json' | 'yaml',
): string {
  const document = { components: entries };
  return format === 'json'
    ? `${JSON.stringify(document, null, 2)}\n`
    : stringify(document, { lineWidth: 0 });
}
