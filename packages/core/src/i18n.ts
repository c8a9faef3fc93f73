/** The languages Gridflow speaks. Chinese is the default everywhere. */
export const Locale = { ZH: 'zh', EN: 'en' } as const;
export type Locale = (typeof Locale)[keyof typeof Locale];

/** A text in Chinese and English, as policy staff and residents see it. */
export interface LocalizedText {
  zh: string;
  en: string;
}

/**
 * A text in both languages, for tables of names and messages.
 *
 * @example
 * t('网格', 'Grid'); // { zh: '网格', en: 'Grid' }
 */
export const t = (zh: string, en: string): LocalizedText => ({ zh, en });

/**
 * Picks the text for a locale, falling back to Chinese.
 *
 * @example
 * localize({ zh: '网格', en: 'Grid' }, 'en'); // 'Grid'
 */
export function localize(text: LocalizedText, locale: Locale = Locale.ZH): string {
  return text[locale] ?? text.zh;
}
