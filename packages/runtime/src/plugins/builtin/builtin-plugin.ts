import { resolve } from 'node:path';
import { type FlowResult, ErrorCodes } from '@stepflow/protocol';
import { ComponentError } from '../../errors/component-error.ts';
import { compileJsonSchema } from '../../internal/json-schema.ts';
import { didYouMean } from '../../validation/did-you-mean.ts';
import type { Plugin, PluginFactory } from '../plugin.ts';
import type { BuiltinComponent, BuiltinEnvironment } from './builtin-component.ts';
import { askHumanComponent, sleepComponent } from './ask-human.ts';
import { createMessagesComponent } from './create-messages.ts';
import { evalComponent } from './eval.ts';
import { getBlobComponent } from './get-blob.ts';
import { iterateComponent } from './iterate.ts';
import { loadFileComponent } from './load-file.ts';
import { mapComponent } from './map.ts';
import { openaiComponent } from './openai.ts';
import { putBlobComponent } from './put-blob.ts';

/** The eight builtin components of §5 and the two pausing ones, by post-routing name. */
export const BUILTIN_COMPONENTS: readonly BuiltinComponent[] = [
  putBlobComponent,
  getBlobComponent,
  evalComponent,
  mapComponent,
  iterateComponent,
  loadFileComponent,
  createMessagesComponent,
  openaiComponent,
  askHumanComponent,
  sleepComponent,
];

/** Options of `createBuiltinPluginFactory` (for embedding and tests). */
export interface BuiltinPluginOptions {
  /** Environment for `openai` (`OPENAI_API_KEY`, `OPENAI_BASE_URL`); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `fetch` for `openai`; default the global one. */
  readonly fetch?: typeof fetch;
}

/**
 * Creates the factory of the `builtin` plugin type. Its config accepts `allowedPaths` (directories,
 * relative to the working directory, that `load_file` may read besides the working directory).
 */
export function createBuiltinPluginFactory(options: BuiltinPluginOptions = {}): PluginFactory {
  return ({ name, config, workingDirectory }): Plugin => {
    const allowed = Array.isArray(config.allowedPaths)
      ? (config.allowedPaths as unknown[]).filter((p): p is string => typeof p === 'string')
      : [];
    const environment: BuiltinEnvironment = {
      workingDirectory,
      allowedPaths: allowed.map((path) => resolve(workingDirectory, path)),
      get env() {
        return options.env ?? process.env;
      },
      fetch: options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args)),
    };
    const byName = new Map(BUILTIN_COMPONENTS.map((component) => [component.name, component]));
    return {
      name,
      async listComponents() {
        return BUILTIN_COMPONENTS.map((component) => ({
          component: component.name,
          description: component.description,
          input_schema: component.inputSchema,
          output_schema: component.outputSchema,
        }));
      },
      async execute({ component: componentName, input, context }): Promise<FlowResult> {
        const component = byName.get(componentName);
        if (!component) {
          const names = [...byName.keys()];
          const suggestion = didYouMean(componentName, names);
          throw new ComponentError(
            ErrorCodes.componentNotFound,
            `Component '${componentName}' not found in builtin plugin '${name}' (${suggestion === undefined ? '' : `did you mean '${suggestion}'? `}it has ${names.join(', ')})`,
          );
        }
        const { validate } = compileJsonSchema(component.inputSchema);
        if (validate && !validate(input)) {
          const problems = (validate.errors ?? [])
            .map((e) => `${e.instancePath || '(input)'} ${e.message ?? e.keyword}`)
            .join('; ');
          throw new ComponentError(
            ErrorCodes.invalidParams,
            `Invalid input for ${componentName}: ${problems}`,
          );
        }
        const output = await component.execute(
          input as Record<string, unknown>,
          context,
          environment,
        );
        return component.returnsFlowResult
          ? (output as FlowResult)
          : { outcome: 'success', result: output };
      },
      async close() {},
    };
  };
}

/** The factory of the `builtin` plugin type with default options. */
export const builtinPluginFactory: PluginFactory = createBuiltinPluginFactory();
