/**
 * A subscribable store for a document being edited (a policy draft, a rule tree), with undo and redo.
 * Framework-free: the designer's elements subscribe through a reactive controller; tests drive it directly.
 */
export interface DraftStore<T> {
  get(): T;
  /** Replaces the document with `update(current)`; one undo step (or part of the current batch). */
  apply(update: (current: T) => T, label?: string): void;
  /** Groups several `apply` calls into one undo step and one notification. */
  batch(fn: () => void, label?: string): void;
  undo(): boolean;
  redo(): boolean;
  canUndo(): boolean;
  canRedo(): boolean;
  /** Labels of the undo steps, oldest first (for an edit history list). */
  undoLabels(): string[];
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void;
  /** Replaces the document and forgets the undo history (e.g. after loading another version). */
  reset(value: T): void;
}

/**
 * Creates a draft store.
 *
 * @example
 * const store = createDraftStore({ changeNote: '' });
 * store.apply((p) => ({ ...p, changeNote: '调整网格时限' }), 'edit change note');
 * store.undoLabels(); // ['edit change note']
 * store.undo(); // true
 * store.get(); // { changeNote: '' }
 */
export function createDraftStore<T>(initial: T, options: { limit?: number } = {}): DraftStore<T> {
  const limit = options.limit ?? 200;
  let value = initial;
  let past: { value: T; label: string }[] = [];
  let future: { value: T; label: string }[] = [];
  const listeners = new Set<(value: T) => void>();
  let batching: { before: T; label: string } | null = null;

  const notify = () => {
    for (const l of [...listeners]) l(value);
  };
  const record = (before: T, label: string) => {
    past.push({ value: before, label });
    if (past.length > limit) past = past.slice(past.length - limit);
    future = [];
  };

  const store: DraftStore<T> = {
    get: () => value,
    apply(update, label = 'edit') {
      const before = value;
      const next = update(value);
      if (Object.is(next, before)) return;
      value = next;
      if (batching) return;
      record(before, label);
      notify();
    },
    batch(fn, label = 'edit') {
      if (batching) {
        fn();
        return;
      }
      batching = { before: value, label };
      try {
        fn();
      } finally {
        const { before } = batching;
        batching = null;
        if (!Object.is(before, value)) {
          record(before, label);
          notify();
        }
      }
    },
    undo() {
      const step = past.pop();
      if (!step) return false;
      future.push({ value, label: step.label });
      value = step.value;
      notify();
      return true;
    },
    redo() {
      const step = future.pop();
      if (!step) return false;
      past.push({ value, label: step.label });
      value = step.value;
      notify();
      return true;
    },
    canUndo: () => past.length > 0,
    canRedo: () => future.length > 0,
    undoLabels: () => past.map((s) => s.label),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset(next) {
      value = next;
      past = [];
      future = [];
      notify();
    },
  };
  return store;
}
