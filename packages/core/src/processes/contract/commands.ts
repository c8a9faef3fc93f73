import type { LocalizedText } from '../../i18n.js';
import type { CaseEvent, CommandDef } from './types.js';

/**
 * A command is declared once: its name, its JSON Schema and whether only the runtime sends it. The process's
 * `commands[]` list, the TypeScript input of each command and the event union its machine's
 * `setup({ types: { events } })` uses all follow from the declaration ({@link defineCommands}).
 *
 * The input types are inferred from the schemas by {@link FromSchema}, a small type-level reading of the subset of
 * JSON Schema that command inputs use; declare schemas `as const` (or through a helper with `const` type
 * parameters) so their literal types survive.
 *
 * @module
 */

/** One node of a JSON Schema, as a readonly literal (`{ type: 'string', maxLength: 2000 } as const`). */
export type SchemaNode = { readonly [key: string]: unknown };

/** What a command declares: the rest of its {@link CommandDef}, without its type (the key it is declared under). */
export interface CommandSpec {
  /** JSON Schema of the command's `input`; its TypeScript type is inferred from it. */
  readonly schema: SchemaNode;
  /** The name generic UIs show. Without it, {@link DefineCommandsOptions.name} gives it. */
  readonly name?: LocalizedText;
  /** True for events only the runtime sends (deadlines, effects); never offered to users. */
  readonly internal?: boolean;
  /** Labels of the input's fields for forms, by property path (see {@link CommandDef.labels}). */
  readonly labels?: Readonly<Record<string, LocalizedText>>;
}

/** How {@link defineCommands} completes the declarations. */
export interface DefineCommandsOptions {
  /** The name of a command declared without one (e.g. the label of the policy's known command of that type). */
  name?(type: string): LocalizedText | undefined;
}

/**
 * The commands of a process, declared once: `list` is the definition's `commands`, and the types
 * {@link CommandInputs} and {@link CommandEvents} give the inputs and the machine's events.
 */
export interface CommandSet<T extends Record<string, CommandSpec>> {
  /** The commands in declaration order, for `ProcessDefinition.commands`. */
  readonly list: CommandDef[];
  /** The declarations as given (types only need them). */
  readonly specs: T;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type RequiredOf<S> = S extends { readonly required?: infer R } ? (R extends readonly (infer K)[] ? K : never) : never;

type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Simplify<
      { -readonly [K in keyof P & RequiredOf<S>]: FromSchema<P[K]> } & {
        -readonly [K in Exclude<keyof P, RequiredOf<S>>]?: FromSchema<P[K]>;
      } & AdditionalOf<S, true>
    >
  : AdditionalOf<S, false>;

type AdditionalOf<S, HasProperties extends boolean> = S extends { readonly additionalProperties: infer A }
  ? A extends false
    ? HasProperties extends true
      ? unknown
      : Record<string, never>
    : A extends true
      ? Record<string, unknown>
      : Record<string, FromSchema<A>>
  : HasProperties extends true
    ? unknown
    : Record<string, unknown>;

type OfType<T, S> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { readonly items: infer I }
            ? FromSchema<I>[]
            : unknown[]
          : T extends 'object'
            ? ObjectOf<S>
            : unknown;

/**
 * The TypeScript type of the values a JSON Schema accepts, for the subset command inputs use: `enum`, `const`,
 * `type` (one or a list: `string`, `number`, `integer`, `boolean`, `null`, `array` with `items`, `object` with
 * `properties`, `required` and `additionalProperties`). Keywords that only narrow values (`minLength`, `pattern`,
 * `minimum`…) do not change the type.
 *
 * @example
 * type Input = FromSchema<{ type: 'object'; properties: { note: { type: 'string' } }; required: ['note'] }>;
 * // { note: string }
 */
export type FromSchema<S> = S extends { readonly enum: readonly (infer E)[] }
  ? E
  : S extends { readonly const: infer C }
    ? C
    : S extends { readonly type: readonly (infer T)[] }
      ? OfType<T, S>
      : S extends { readonly type: infer T }
        ? OfType<T, S>
        : unknown;

/** The input of each command of a set, by command type. */
export type CommandInputs<C> =
  C extends CommandSet<infer T> ? { [K in keyof T & string]: FromSchema<T[K]['schema']> } : never;

/**
 * The events of a set's commands as the machine receives them (`{ type, at, actor, input }`): what
 * `setup({ types: { events } })` takes.
 */
export type CommandEvents<C> =
  C extends CommandSet<infer T>
    ? { [K in keyof T & string]: CaseEvent<K, FromSchema<T[K]['schema']>> }[keyof T & string]
    : never;

/**
 * Declares a process's commands once, keyed by event type. Gives the definition's `commands` list (`.list`); the
 * inputs and the machine's events follow as types: `CommandInputs<typeof commands>`, `CommandEvents<typeof
 * commands>`.
 *
 * @example
 * const commands = defineCommands({
 *   'mediation.sign': {
 *     name: t('当事人签字', 'A party signs'),
 *     schema: { type: 'object', required: ['party'], properties: { party: { type: 'string' } } },
 *   },
 *   'deadline.due': { name: t('时限到期', 'Deadline due'), schema: { type: 'object' }, internal: true },
 * });
 * type MediationEvent = CommandEvents<typeof commands>; // CaseEvent<'mediation.sign', { party: string }> | …
 * const definition = { …, commands: commands.list };
 */
export function defineCommands<const T extends Record<string, CommandSpec>>(
  specs: T,
  options: DefineCommandsOptions = {},
): CommandSet<T> {
  const list = Object.entries(specs).map(([type, spec]): CommandDef => {
    const name = spec.name ?? options.name?.(type);
    if (name === undefined) throw new Error(`The command ${type} has no name`);
    return {
      type,
      name,
      inputSchema: spec.schema,
      ...(spec.internal ? { internal: true } : {}),
      ...(spec.labels ? { labels: { ...spec.labels } } : {}),
    };
  });
  return { list, specs };
}
