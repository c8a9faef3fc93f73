import type { LocalizedText } from '../../i18n.js';
import { Severity, toPointer, type Problem } from '../../problems.js';
import type { Policy } from '../types.js';
import type { FactDictionary } from '../../rules/types.js';

/** A path given as JSON Pointer segments (or an already-encoded pointer). */
export type PathLike = readonly (string | number)[] | string;

/** What every semantic check receives: the policy (schema-valid) and a place to put problems. */
export interface CheckContext {
  readonly policy: Policy;
  /** Commands of developers' own processes, known beside the built-in ones. */
  readonly extraCommands: readonly string[];
  /** Facts the custom rules may read, when the caller knows them. */
  readonly customFacts?: FactDictionary;
  readonly problems: Problem[];
  error(code: string, path: PathLike, message: LocalizedText): void;
  warn(code: string, path: PathLike, message: LocalizedText): void;
  /** Known codes and their names, per kind of thing. */
  readonly known: {
    levels: ReadonlyMap<string, LocalizedText>;
    departments: ReadonlyMap<string, LocalizedText>;
    roles: ReadonlyMap<string, LocalizedText>;
    urgencies: ReadonlyMap<string, LocalizedText>;
    categories: ReadonlyMap<string, LocalizedText>;
    matterTypes: ReadonlyMap<string, LocalizedText>;
    ratings: ReadonlyMap<string, LocalizedText>;
  };
}

const byCode = <T extends { code: string; name: LocalizedText }>(list: readonly T[]): Map<string, LocalizedText> => {
  const map = new Map<string, LocalizedText>();
  for (const item of list) if (!map.has(item.code)) map.set(item.code, item.name);
  return map;
};

/** Creates the context for one validation run. */
export function createCheckContext(
  policy: Policy,
  extra: { extraCommands?: readonly string[]; customFacts?: FactDictionary } = {},
): CheckContext {
  const problems: Problem[] = [];
  const add = (severity: Severity) => (code: string, path: PathLike, message: LocalizedText) => {
    problems.push({ code, severity, message, path: typeof path === 'string' ? path : toPointer(path) });
  };
  return {
    policy,
    extraCommands: extra.extraCommands ?? [],
    ...(extra.customFacts ? { customFacts: extra.customFacts } : {}),
    problems,
    error: add(Severity.ERROR),
    warn: add(Severity.WARNING),
    known: {
      levels: byCode(policy.organisation.levels),
      departments: byCode(policy.organisation.departments),
      roles: byCode(policy.organisation.roles),
      urgencies: byCode(policy.urgencies),
      categories: byCode(policy.categories),
      matterTypes: byCode(policy.coordination.matterTypes),
      ratings: byCode(policy.evaluation.scale),
    },
  };
}

/** `网格（grid）` / `Grid (grid)`: a thing's name with its code, or just the code when unnamed. */
export function named(map: ReadonlyMap<string, LocalizedText>, code: string): LocalizedText {
  const name = map.get(code);
  if (!name) return { zh: `“${code}”`, en: `"${code}"` };
  return { zh: `${name.zh}（${code}）`, en: `${name.en || code} (${code})` };
}

/** Joins texts as a Chinese list (、) and an English list (, ). */
export function joinTexts(items: readonly LocalizedText[]): LocalizedText {
  return { zh: items.map((i) => i.zh).join('、'), en: items.map((i) => i.en).join(', ') };
}

/** `“a”、“b”` / `"a", "b"`. */
export function quoteList(values: readonly string[]): LocalizedText {
  return { zh: values.map((v) => `“${v}”`).join('、'), en: values.map((v) => `"${v}"`).join(', ') };
}
