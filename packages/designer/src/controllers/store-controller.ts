import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DraftStore } from '../model/draft-store.js';

/**
 * Subscribes a Lit element to a {@link DraftStore} while it is connected, re-rendering on every change.
 *
 * @example
 * private draft = new StoreController(this, store);
 * render() { return html`${this.draft.value.name.zh}`; }
 */
export class StoreController<T> implements ReactiveController {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    readonly store: DraftStore<T>,
  ) {
    host.addController(this);
  }

  get value(): T {
    return this.store.get();
  }

  hostConnected(): void {
    this.unsubscribe = this.store.subscribe(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
