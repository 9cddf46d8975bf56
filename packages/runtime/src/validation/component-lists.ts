import { BUILTIN_COMPONENTS } from '../plugins/builtin/builtin-plugin.ts';
import type { RouteTarget } from '../routing/router.ts';
import { didYouMean } from './did-you-mean.ts';

/** The components of each plugin whose list is known, by plugin name (post-routing names). */
export type ComponentLists = ReadonlyMap<string, readonly string[]>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The component lists known from a config alone, without starting anything: every `builtin`
 * plugin has the builtin components, a `mock` plugin the components it configures. (This
 * assumes the runtime's own `builtin` and `mock` plugin types.)
 */
export function staticComponentLists(plugins: unknown): Map<string, readonly string[]> {
  const lists = new Map<string, readonly string[]>();
  for (const [name, plugin] of isObject(plugins) ? Object.entries(plugins) : []) {
    if (!isObject(plugin)) continue;
    if (plugin.type === 'builtin')
      lists.set(
        name,
        BUILTIN_COMPONENTS.map((component) => component.name),
      );
    if (plugin.type === 'mock')
      lists.set(name, Object.keys(isObject(plugin.components) ? plugin.components : {}));
  }
  return lists;
}

/**
 * Why `component` certainly does not exist, or `undefined` when it may: every plugin it can be
 * routed to has a known list without it. The did-you-mean is spelled as the step would write it
 * (`/builtin/create_messages` for the post-routing `/create_messages`).
 */
export function missingComponentReason(
  component: string,
  targets: readonly RouteTarget[],
  lists: ComponentLists,
): string | undefined {
  if (targets.length === 0) return undefined;
  for (const target of targets) {
    const list = lists.get(target.plugin);
    if (list === undefined || list.includes(target.component)) return undefined;
  }
  const plugins = [...new Set(targets.map((target) => `'${target.plugin}'`))];
  const [first] = targets;
  const suggestion = didYouMean(first!.component, lists.get(first!.plugin)!);
  const spelled =
    suggestion !== undefined && component.endsWith(first!.component)
      ? `${component.slice(0, component.length - first!.component.length)}${suggestion}`
      : suggestion;
  return `${plugins.length === 1 ? `plugin ${plugins[0]} has` : `none of plugins ${plugins.join(', ')} has`} no component '${first!.component}'${spelled === undefined ? '' : ` (did you mean '${spelled}'?)`}`;
}
