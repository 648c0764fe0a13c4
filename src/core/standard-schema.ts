// The Standard Schema interface (standardschema.dev), declared here so the core imports no schema library.
// zod 4, valibot and arktype implement it.

/** A schema that implements Standard Schema v1. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** A validation issue. */
export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** The outcome of `validate`. */
export type StandardResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<StandardIssue> };

/** What a schema's `validate` is declared to return. */
type Validated<S extends StandardSchemaV1> = ReturnType<S['~standard']['validate']>;

/** The output type of a schema: the `value` of a successful result of its `validate`. */
export type InferOutput<S extends StandardSchemaV1> = Extract<Awaited<Validated<S>>, { readonly value: unknown }>['value'];

/**
 * What `response.json(schema)` returns. Standard Schema lets `validate` answer now or with a Promise,
 * and errand passes either on as it comes. The type follows what the schema declares:
 * - a `validate` declared synchronous gives the output;
 * - one declared async (returning only a Promise) gives a Promise of the output;
 * - one declared as either, as zod and valibot declare every schema (an async refinement does not show
 *   in a schema's type), gives `Output | Promise<Output>`: `await` gives the output in both cases.
 * Typing the last case as the bare output would be unsound: an async zod schema returns a Promise there.
 */
export type JsonResult<S extends StandardSchemaV1> =
  [Validated<S>] extends [PromiseLike<unknown>] ? Promise<InferOutput<S>>
    : [Extract<Validated<S>, PromiseLike<unknown>>] extends [never] ? InferOutput<S>
      : InferOutput<S> | Promise<InferOutput<S>>;
