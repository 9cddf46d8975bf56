import type { BuiltinComponent } from './builtin-component.ts';

/** `/create_messages`: builds a chat message list from system instructions and a user prompt. */
export const createMessagesComponent: BuiltinComponent = {
  name: '/create_messages',
  description: 'Create a chat message list from system instructions and user prompt',
  inputSchema: {
    type: 'object',
    properties: {
      system_instructions: { type: ['string', 'null'] },
      user_prompt: { type: 'string' },
    },
    required: ['user_prompt'],
  },
  outputSchema: {
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
    },
    required: ['messages'],
  },
  async execute(input) {
    const messages: { role: string; content: string }[] = [];
    if (typeof input.system_instructions === 'string')
      messages.push({ role: 'system', content: input.system_instructions });
    messages.push({ role: 'user', content: input.user_prompt as string });
    return { messages };
  },
};
