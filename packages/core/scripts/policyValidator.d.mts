/** The TypeScript module of the ahead-of-time validator of `schema` (see policyValidator.mjs). */
export function policyValidatorModule(schema: object): string;
