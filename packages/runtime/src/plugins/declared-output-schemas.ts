import type { ValidateFunction } from 'ajv';
import { compileJsonSchema } from '../internal/json-schema.ts';
import type { Logger } from '../logger.ts';
import type { Plugin } from './plugin.ts';

/**
 * One plugin's declared schemas, each compiled on its component's first output: compiling every
 * schema a plugin lists (the builtins declare a dozen) cost more than a short run itself.
 */
interface Validators {
  get(component: string): ValidateFunction | undefined;
}

/** The output schemas the plugins declare for their components, compiled. */
export interface DeclaredOutputSchemas {
  /**
   * The validator of a component's declared `output_schema`, or undefined when it declares none.
   * The first lookup for a plugin lists its components once (a promise); later ones are
   * synchronous, so the common path costs a map lookup.
   */
  lookup(
    pluginName: string,
    plugin: Plugin,
    component: string,
  ): ValidateFunction | undefined | Promise<ValidateFunction | undefined>;
}

/** Component names with and without their leading slash name the same component. */
function key(component: string): string {
  return component.startsWith('/') ? component.slice(1) : component;
}

/**
 * Creates the per-runtime cache of declared output schemas. A plugin that cannot list its
 * components, or a schema ajv cannot compile, is simply not checked (logged at debug).
 */
export function createDeclaredOutputSchemas(logger: Logger): DeclaredOutputSchemas {
  const ready = new Map<string, Validators>();
  const loading = new Map<string, Promise<Validators>>();

  const load = async (pluginName: string, plugin: Plugin): Promise<Validators> => {
    const schemas = new Map<string, unknown>();
    try {
      for (const info of await plugin.listComponents()) {
        const schema = (info as { output_schema?: unknown }).output_schema;
        if (schema !== undefined && schema !== null) schemas.set(key(info.component), schema);
      }
    } catch (error) {
      logger.debug('cannot list components: their output schemas are not enforced', {
        plugin: pluginName,
        error: (error as Error).message,
      });
    }
    const validators = lazyValidators(pluginName, schemas, logger);
    ready.set(pluginName, validators);
    loading.delete(pluginName);
    return validators;
  };

  return {
    lookup(pluginName, plugin, component) {
      const validators = ready.get(pluginName);
      if (validators !== undefined) return validators.get(key(component));
      let pending = loading.get(pluginName);
      if (pending === undefined) {
        pending = load(pluginName, plugin);
        loading.set(pluginName, pending);
      }
      return pending.then((loaded) => loaded.get(key(component)));
    },
  };
}

/** Compiles each schema on first lookup; a schema ajv cannot compile is not enforced. */
function lazyValidators(
  pluginName: string,
  schemas: ReadonlyMap<string, unknown>,
  logger: Logger,
): Validators {
  const compiled = new Map<string, ValidateFunction | undefined>();
  return {
    get(component) {
      if (compiled.has(component)) return compiled.get(component);
      const schema = schemas.get(component);
      let validator: ValidateFunction | undefined;
      if (schema !== undefined) {
        const { validate, problem } = compileJsonSchema(schema);
        validator = validate;
        if (!validate) {
          logger.debug('declared output schema not enforced', {
            plugin: pluginName,
            component,
            problem,
          });
        }
      }
      compiled.set(component, validator);
      return validator;
    },
  };
}
