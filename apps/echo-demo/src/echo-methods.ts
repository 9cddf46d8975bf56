/** What the runtime side may ask the child (the child's incoming requests). */
export type ChildMethods = {
  echo: { params: { message: string }; result: { message: string } };
  reverse: { params: string; result: string };
  /** Needs a title the child does not know: it calls back `lookupTitle` while this is pending. */
  greet: { params: { name: string }; result: string };
};

/** What the child may ask the runtime side (the callback direction). */
export type RuntimeMethods = {
  lookupTitle: { params: { name: string }; result: { title: string } };
};
