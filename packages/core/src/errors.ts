import type { LocalizedText } from './i18n.js';

/**
 * The one error type Gridflow throws on purpose. It carries a stable code, a message in Chinese and in
 * English, and where it applies the JSON Pointer of the offending input.
 */
export class GridflowError extends Error {
  readonly code: string;
  readonly messages: LocalizedText;
  readonly path: string | undefined;
  readonly details: unknown;

  constructor(
    code: string,
    messages: LocalizedText,
    options: { path?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(messages.en, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GridflowError';
    this.code = code;
    this.messages = messages;
    this.path = options.path;
    this.details = options.details;
  }

  /** The shape every API returns for an error. */
  toJSON(): { code: string; message_zh: string; message_en: string; path?: string; details?: unknown } {
    return {
      code: this.code,
      message_zh: this.messages.zh,
      message_en: this.messages.en,
      ...(this.path === undefined ? {} : { path: this.path }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** True when a value is a {@link GridflowError}. */
export function isGridflowError(value: unknown): value is GridflowError {
  return value instanceof GridflowError;
}
