import { ErrorCodes } from '@stepflow/protocol';
import { ComponentError } from '../../errors/component-error.ts';
import type { BuiltinComponent } from './builtin-component.ts';

/** Model used when the input names none (DECISIONS item 18). */
export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';

/**
 * `/openai`: sends the messages to an OpenAI-compatible chat completions API
 * (`OPENAI_BASE_URL`, default `https://api.openai.com/v1`) and returns the first choice's text.
 * Honours `model`, `max_tokens` and `temperature`.
 */
export const openaiComponent: BuiltinComponent = {
  name: '/openai',
  description: "Send messages to OpenAI's chat completion API and get a response",
  inputSchema: {
    type: 'object',
    properties: {
      messages: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            role: { enum: ['system', 'user', 'assistant'] },
            content: { type: 'string' },
          },
          required: ['role', 'content'],
        },
      },
      model: { type: ['string', 'null'] },
      max_tokens: { type: ['integer', 'null'], minimum: 0, maximum: 65535 },
      temperature: { type: ['number', 'null'] },
      api_key: { type: ['string', 'null'] },
    },
    required: ['messages'],
  },
  outputSchema: {
    type: 'object',
    properties: { response: { type: 'string' } },
    required: ['response'],
  },
  async execute(input, context, environment) {
    const apiKey = (input.api_key as string | null | undefined) ?? environment.env.OPENAI_API_KEY;
    if (!apiKey) {
      throw new ComponentError(
        ErrorCodes.invalidParams,
        'missing value ("api_key") or environment variable ("OPENAI_API_KEY")',
      );
    }
    const baseUrl = (environment.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(
      /\/+$/,
      '',
    );
    const body: Record<string, unknown> = {
      model: input.model ?? DEFAULT_OPENAI_MODEL,
      messages: input.messages,
    };
    if (typeof input.max_tokens === 'number') body.max_tokens = input.max_tokens;
    if (typeof input.temperature === 'number') body.temperature = input.temperature;
    let response: Response;
    try {
      response = await environment.fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(body),
        signal: context.signal,
      });
    } catch (error) {
      throw new ComponentError(
        ErrorCodes.serverError,
        `OpenAI request to ${baseUrl} failed: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ComponentError(
        ErrorCodes.serverError,
        `OpenAI API error ${response.status}: ${text.slice(0, 500)}`,
        { status: response.status },
      );
    }
    let parsed: { choices?: { message?: { content?: unknown } }[] };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new ComponentError(
        ErrorCodes.serverError,
        `OpenAI API returned invalid JSON: ${text.slice(0, 200)}`,
      );
    }
    const content = parsed.choices?.[0]?.message?.content;
    return { response: typeof content === 'string' ? content : '' };
  },
};
