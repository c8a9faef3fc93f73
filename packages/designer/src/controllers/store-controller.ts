import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DraftStore } from '../model/draft-store.js';

/**
 * Subscribes a Lit element to a {@link DraftStore} while it is connected, re-rendering on every change.
 *
 * @example
 * // In a LitElement: `private draft = new StoreController(this, store);` and `render() { return html`${this.draft.value.name.zh}`; }`
 * const store = createDraftStore({ name: { zh: '默认政策', en: 'Default policy' } });
 * let updates = 0;
 * const host = { addController: () => {}, removeController: () => {}, requestUpdate: () => void updates++, updateComplete: Promise.resolve(true) };
 * const draft = new StoreController(host, store);
 * draft.hostConnected(); // the element connected
 * store.apply((p) => ({ ...p, name: { zh: '试行政策', en: 'Trial policy' } }));
 * [draft.value.name.zh, updates]; // ['试行政策', 1]
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
