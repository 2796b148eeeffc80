import { mockClient } from "aws-sdk-client-mock";

/*
 * `mockClient` stubs the client class's prototype the moment it is called. Called in a
 * `describe` body it runs while mocha *loads* the file, so every real client of every other
 * test file (dynalite, the emulator) would talk to the stub until this describe's `after`.
 * `deferredMock` installs the stub in `before` and removes it in `after`, so it covers its own
 * describe only. Same signature as `mockClient`.
 */
type Stub = ReturnType<typeof mockClient>;

export const deferredMock = ((client: Parameters<typeof mockClient>[0]) => {
  let stub: Stub | undefined;
  before(() => {
    stub = mockClient(client);
  });
  after(() => {
    stub?.restore();
    stub = undefined;
  });
  return new Proxy({} as Stub, {
    get(_target, prop) {
      if (!stub) {
        // The describe's own `after(() => x.restore())` may run after ours: nothing to undo.
        if (prop === "restore") return () => undefined;
        throw new Error("a deferred client mock was used outside its describe block");
      }
      const value = (stub as unknown as Record<PropertyKey, unknown>)[prop];
      return typeof value === "function"
        ? (value as (...a: unknown[]) => unknown).bind(stub)
        : value;
    },
  });
}) as typeof mockClient;
