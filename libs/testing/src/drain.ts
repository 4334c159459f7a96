/**
 * Runs a streaming tool (an async generator) to its end and gives back what it streamed
 * and what it returned, so a test can check both; it rejects as the tool does.
 */
export async function drain<C, R>(
  run: AsyncGenerator<C, R, void>,
): Promise<{ items: C[]; result: R }> {
  const items: C[] = [];
  for (;;) {
    const step = await run.next();
    if (step.done) return { items, result: step.value };
    items.push(step.value);
  }
}

/** The result of a streaming tool, its streamed items ignored. */
export async function resultOf<C, R>(run: AsyncGenerator<C, R, void>): Promise<R> {
  return (await drain(run)).result;
}
