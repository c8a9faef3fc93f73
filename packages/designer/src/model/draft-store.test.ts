import { describe, expect, it, vi } from 'vitest';
import { createDraftStore } from './draft-store.js';

describe('createDraftStore', () => {
  it('applies edits, undoes and redoes them in order', () => {
    const store = createDraftStore({ limit: 'PT2H', note: '' });
    store.apply((d) => ({ ...d, limit: 'PT4H' }), 'limit');
    store.apply((d) => ({ ...d, note: '调整' }), 'note');
    expect(store.undoLabels()).toEqual(['limit', 'note']);
    expect(store.undo()).toBe(true);
    expect(store.get()).toEqual({ limit: 'PT4H', note: '' });
    expect(store.undo()).toBe(true);
    expect(store.get().limit).toBe('PT2H');
    expect(store.undo()).toBe(false);
    expect(store.redo()).toBe(true);
    expect(store.get().limit).toBe('PT4H');
    store.apply((d) => ({ ...d, note: 'new branch' }));
    expect(store.canRedo()).toBe(false);
  });

  it('batches edits into one step and one notification', () => {
    const store = createDraftStore({ a: 1, b: 1 });
    const listener = vi.fn();
    store.subscribe(listener);
    store.batch(() => {
      store.apply((d) => ({ ...d, a: 2 }));
      store.apply((d) => ({ ...d, b: 2 }));
    }, 'both');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.undoLabels()).toEqual(['both']);
    store.undo();
    expect(store.get()).toEqual({ a: 1, b: 1 });
  });

  it('ignores no-op edits and stops notifying after unsubscribe', () => {
    const store = createDraftStore({ a: 1 });
    const listener = vi.fn();
    const off = store.subscribe(listener);
    store.apply((d) => d);
    expect(listener).not.toHaveBeenCalled();
    expect(store.canUndo()).toBe(false);
    off();
    store.apply(() => ({ a: 2 }));
    expect(listener).not.toHaveBeenCalled();
  });

  it('keeps at most `limit` undo steps', () => {
    const store = createDraftStore(0, { limit: 3 });
    for (let i = 1; i <= 5; i++) store.apply(() => i);
    let undone = 0;
    while (store.undo()) undone++;
    expect(undone).toBe(3);
    expect(store.get()).toBe(2);
  });
});
