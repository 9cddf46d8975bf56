// A complete component server: one component, served over stdio. Inside this repository the SDK
// is imported from its build; in your own project write `from '@stepflow/server-sdk'`.
import { createComponentServer, serveStdio } from '../../packages/server-sdk/dist/index.js';

const server = createComponentServer({ name: 'greeter', version: '1.0.0' });

server.component(
  'greet',
  {
    description: 'Greets someone by name',
    input: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  },
  ({ name }, context) => ({ text: `Hello, ${name}!`, attempt: context.attempt }),
);

await serveStdio(server);
