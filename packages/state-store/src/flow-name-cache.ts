/**
 * The names of flows a store has looked at, by flow blob id. Flow blobs are content-addressed and
 * never change, so a name read once stays right: a run of a thousand-step flow then costs a
 * lookup, not a parse of the flow, each time a run of it is created. Bounded; oldest out first.
 */
export class FlowNameCache {
  readonly #names = new Map<string, { readonly name: string | undefined }>();

  constructor(readonly capacity = 1024) {}

  /** The cached name (`{name: undefined}` for a flow without one), or undefined when unknown. */
  get(flowId: string): { readonly name: string | undefined } | undefined {
    return this.#names.get(flowId);
  }

  /** Remembers a flow's name. */
  set(flowId: string, name: string | undefined): void {
    this.#names.set(flowId, { name });
    if (this.#names.size > this.capacity) this.#names.delete(this.#names.keys().next().value!);
  }
}
