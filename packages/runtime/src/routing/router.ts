import { applyPath, parsePath, type PathSegment } from '../expressions/json-path.ts';
import { jsonEquals } from '../internal/json-equals.ts';
import {
  type RoutePattern,
  compareSpecificity,
  matchRoutePattern,
  parseRoutePattern,
} from './route-pattern.ts';

/** A routing rule as written in the config (`routes.<pattern>[n]`). */
export interface RouteRuleConfig {
  readonly plugin: string;
  readonly conditions?: readonly { readonly path: string; readonly value: unknown }[] | null;
  readonly componentAllow?: readonly string[] | null;
  readonly componentDeny?: readonly string[] | null;
  readonly component?: string | null;
}

/** Where a step's component goes: a plugin and the post-routing component name. */
export interface RouteTarget {
  readonly plugin: string;
  readonly component: string;
}

/** Thrown when a component cannot be routed. */
export class RoutingError extends Error {
  override readonly name = 'RoutingError';
}

interface CompiledRule {
  readonly plugin: string;
  readonly conditions: readonly {
    readonly path: readonly PathSegment[];
    readonly value: unknown;
  }[];
  readonly allow: ReadonlySet<string> | undefined;
  readonly deny: ReadonlySet<string> | undefined;
  readonly template: string | undefined;
}

interface CompiledRoute {
  readonly pattern: RoutePattern;
  readonly rules: readonly CompiledRule[];
}

/** Resolves step components to plugins (§4.4). */
export interface Router {
  /** Routes `component` for a step whose resolved input is `input`; throws `RoutingError`. */
  resolve(component: string, input: unknown): RouteTarget;
  /** Whether some pattern matches `component` (ignores conditions): used by validation. */
  matches(component: string): boolean;
  /**
   * Every target `component` may go to, whatever the step's input (conditions ignored, allow and
   * deny lists applied): used by validation. Empty when no route matches.
   */
  targets(component: string): RouteTarget[];
}

/** A problem in the `routes` section, with the field at fault. */
export class RouteConfigError extends Error {
  override readonly name = 'RouteConfigError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function normaliseName(name: string): string {
  return name.startsWith('/') ? name : `/${name}`;
}

/**
 * Builds a router from the config's `routes`. Throws `RouteConfigError` for a bad pattern, two
 * patterns of the same shape, a rule naming a plugin that is not configured, or a bad condition.
 */
export function createRouter(
  routes: Readonly<Record<string, readonly RouteRuleConfig[]>>,
  pluginNames: ReadonlySet<string>,
): Router {
  const compiled: CompiledRoute[] = [];
  for (const [text, rules] of Object.entries(routes)) {
    let pattern: RoutePattern;
    try {
      pattern = parseRoutePattern(text);
    } catch (error) {
      throw new RouteConfigError((error as Error).message, `routes.${text}`);
    }
    for (const other of compiled) {
      if (compareSpecificity(pattern, other.pattern) === 0) {
        throw new RouteConfigError(
          `route pattern '${text}' conflicts with '${other.pattern.text}'`,
          `routes.${text}`,
        );
      }
    }
    const ruleList: readonly RouteRuleConfig[] = rules;
    if (!Array.isArray(ruleList) || ruleList.length === 0) {
      throw new RouteConfigError(`route '${text}' needs at least one rule`, `routes.${text}`);
    }
    const hasComponentParam = pattern.segments.some(
      (s) => s.kind !== 'static' && s.name === 'component',
    );
    compiled.push({
      pattern,
      rules: ruleList.map((rule: RouteRuleConfig, index: number): CompiledRule => {
        const field = `routes.${text}[${index}]`;
        if (!pluginNames.has(rule.plugin)) {
          throw new RouteConfigError(
            `Routing rule ${index} for path '${text}' references unknown plugin '${rule.plugin}'`,
            `${field}.plugin`,
          );
        }
        if ((rule.component === undefined || rule.component === null) && !hasComponentParam) {
          throw new RouteConfigError(
            `Parameter 'component' not available in pattern '${text}': add a 'component' template to the rule`,
            `${field}.component`,
          );
        }
        return {
          plugin: rule.plugin,
          conditions: (rule.conditions ?? []).map(
            (condition: { readonly path: string; readonly value: unknown }, c: number) => {
              try {
                return { path: parsePath(condition.path), value: condition.value };
              } catch (error) {
                throw new RouteConfigError(
                  `invalid condition path: ${(error as Error).message}`,
                  `${field}.conditions[${c}].path`,
                );
              }
            },
          ),
          allow: rule.componentAllow ? new Set(rule.componentAllow.map(normaliseName)) : undefined,
          deny: rule.componentDeny ? new Set(rule.componentDeny.map(normaliseName)) : undefined,
          template: rule.component ?? undefined,
        };
      }),
    });
  }
  compiled.sort((a, b) => compareSpecificity(a.pattern, b.pattern));

  const matchCache = new Map<
    string,
    { route: CompiledRoute; params: Record<string, string> } | null
  >();
  const match = (
    component: string,
  ): { route: CompiledRoute; params: Record<string, string> } | null => {
    let found = matchCache.get(component);
    if (found !== undefined) return found;
    found = null;
    for (const route of compiled) {
      const params = matchRoutePattern(route.pattern, component);
      if (params) {
        found = { route, params };
        break;
      }
    }
    if (matchCache.size < 10_000) matchCache.set(component, found);
    return found;
  };

  // Targets of components whose route has no conditions: they do not depend on the input.
  const targetCache = new Map<string, RouteTarget>();

  const nameFor = (rule: CompiledRule, params: Record<string, string>): string =>
    rule.template === undefined
      ? `/${params.component ?? ''}`
      : rule.template.replace(
          /\{\*?([A-Za-z_][A-Za-z0-9_]*)\}/g,
          (whole, param: string) => params[param] ?? whole,
        );

  return {
    matches: (component) => match(component) !== null,
    targets(component) {
      const found = match(component);
      if (!found) return [];
      return found.route.rules.flatMap((rule) => {
        const name = nameFor(rule, found.params);
        if (rule.allow && !rule.allow.has(name)) return [];
        if (rule.deny?.has(name)) return [];
        return [{ plugin: rule.plugin, component: name }];
      });
    },
    resolve(component, input) {
      const cached = targetCache.get(component);
      if (cached !== undefined) return cached;
      const found = match(component);
      if (!found) throw new RoutingError(`No route matches component '${component}'`);
      const inputFree = found.route.rules.every((rule) => rule.conditions.length === 0);
      for (const rule of found.route.rules) {
        const name = nameFor(rule, found.params);
        const conditionsHold = rule.conditions.every((condition) => {
          const lookup = applyPath(input, condition.path);
          return lookup.found && jsonEquals(lookup.value, condition.value);
        });
        if (!conditionsHold) continue;
        if (rule.allow && !rule.allow.has(name)) continue;
        if (rule.deny?.has(name)) continue;
        const target: RouteTarget = Object.freeze({ plugin: rule.plugin, component: name });
        if (inputFree && targetCache.size < 10_000) targetCache.set(component, target);
        return target;
      }
      throw new RoutingError(`No matching rule found for component: ${component}`);
    },
  };
}
