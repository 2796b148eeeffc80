import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Render, RenderedResource, renderProgram } from "../plan/render";
import { PROJECT_DIR, renderSteadyState, StackRender } from "../plan/stack";

/** Resolves an Output in a test (never assert inside `apply`: failures there are swallowed). */
export function promiseOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/**
 * Renders `build` as a program of its own under the mock runtime and returns the record.
 * Component tests use this: one component, the same mocks the offline plan uses.
 */
export async function renderComponent(
  build: () => unknown,
  opts: { stack?: string; region?: string; config?: Record<string, string> } = {},
): Promise<Render> {
  return renderProgram({
    stack: opts.stack ?? "test",
    config: { "aws:region": opts.region ?? "us-east-1", ...(opts.config ?? {}) },
    program: async () => {
      build();
      return {};
    },
  });
}

export function byType(render: Render, type: string): RenderedResource[] {
  return render.resources.filter((r) => r.type === type);
}

/** The one resource of a type (fails the test if there are none or several). */
export function oneOf(render: Render, type: string): RenderedResource {
  const found = byType(render, type);
  if (found.length !== 1) {
    throw new Error(
      `expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
    );
  }
  return found[0];
}

export function named(render: Render, name: string): RenderedResource {
  const found = render.resources.find((r) => r.name === name);
  if (!found)
    throw new Error(
      `no resource named ${name}; have ${render.resources.map((r) => r.name).join(", ")}`,
    );
  return found;
}

const steadyStates = new Map<string, Promise<Map<string, StackRender>>>();

/**
 * The steady-state renders of a project's stacks, rendered once per test process: several
 * test files read the same renders (each is seconds of mock-runtime work), and none changes
 * them. Tests that change a render must call renderSteadyState themselves.
 */
export function steadyStateOnce(projectDir = PROJECT_DIR): Promise<Map<string, StackRender>> {
  const key = path.resolve(projectDir);
  let renders = steadyStates.get(key);
  if (!renders) {
    renders = renderSteadyState({ projectDir: key });
    steadyStates.set(key, renders);
  }
  return renders;
}
