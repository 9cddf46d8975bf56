import { createMemoryStateStore } from './index.ts';
import { stateStoreComplianceSuite } from './testing.ts';

stateStoreComplianceSuite('memory', ({ clock }) => ({ store: createMemoryStateStore({ clock }) }));
