/**
 * A signal that aborts when any of `signals` does, and `dispose()` to detach it from them. Node 20's
 * `AbortSignal.any` leaves a listener on each source until a garbage collection: one per file of a long run on the
 * run's signal grew without bound (and warned of a leak).
 */
export function linkSignals(signals: readonly (AbortSignal | undefined)[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const sources = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  const aborted = sources.find((signal) => signal.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const listeners = sources.map((source) => {
    const onAbort = () => controller.abort(source.reason);
    source.addEventListener("abort", onAbort, { once: true });
    return () => source.removeEventListener("abort", onAbort);
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const remove of listeners) remove();
    },
  };
}

/** Signals that abort with `parent`, through one listener on it however many there are. */
export class SignalFanout {
  readonly #children = new Set<AbortController>();

  constructor(private readonly parent: AbortSignal) {
    parent.addEventListener(
      "abort",
      () => {
        for (const child of this.#children) child.abort(parent.reason);
        this.#children.clear();
      },
      { once: true },
    );
  }

  /** A signal that aborts when the parent does, until `dispose()`. */
  child(): { signal: AbortSignal; dispose(): void } {
    const controller = new AbortController();
    if (this.parent.aborted) controller.abort(this.parent.reason);
    else this.#children.add(controller);
    return { signal: controller.signal, dispose: () => this.#children.delete(controller) };
  }
}
