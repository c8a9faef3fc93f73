import type { ChildProcess } from 'node:child_process';

export declare const root: string;
export declare function ensureBuilt(): Promise<string>;
export interface Child {
  child: ChildProcess;
  next<T = Record<string, unknown>>(
    test: (message: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<T>;
  send(line: string): void;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
export declare function startChild(script: string, args: string[]): Child;
