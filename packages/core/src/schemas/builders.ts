import type { Type as TypeBox } from '@sinclair/typebox'

// The few TypeBox builders the schemas use, making the very objects TypeBox's make (the same keys, in the same
// order, and the registered symbols TypeBox marks its schemas with), without loading TypeBox: its main entry loads
// every builder it has, some two hundred modules, which was most of a receiver's cold start. The schemas stay
// TypeBox schemas, typed by TypeBox's own signatures; test/generated.test.ts holds their JSON to the published
// schemas, and core's catalog test holds every one to TypeBox's own guard.

const Kind = Symbol.for('TypeBox.Kind')
const OptionalKind = Symbol.for('TypeBox.Optional')
/** TypeBox's pattern for a record whose keys are any string. */
const ANY_STRING_KEY = '^(.*)$'

type Schema = { [key: string | symbol]: unknown }
type Options = Schema | undefined

/** TypeBox's CreateType (default instance mode): the options, overridden by the schema's own keys. */
function create(schema: Schema, options: Options): Schema {
  return options === undefined ? schema : { ...options, ...schema }
}

const builders = {
  String: (options?: Options) => create({ [Kind]: 'String', type: 'string' }, options),
  Integer: (options?: Options) => create({ [Kind]: 'Integer', type: 'integer' }, options),
  Boolean: (options?: Options) => create({ [Kind]: 'Boolean', type: 'boolean' }, options),
  Unknown: (options?: Options) => create({ [Kind]: 'Unknown' }, options),
  Literal: (value: string | number | boolean, options?: Options) =>
    create({ [Kind]: 'Literal', const: value, type: typeof value }, options),
  Array: (items: Schema, options?: Options) => create({ [Kind]: 'Array', type: 'array', items }, options),
  Object: (properties: { [key: string]: Schema }, options?: Options) => {
    const required = Object.keys(properties).filter((key) => properties[key]?.[OptionalKind] !== 'Optional')
    const schema =
      required.length > 0
        ? { [Kind]: 'Object', type: 'object', required, properties }
        : { [Kind]: 'Object', type: 'object', properties }
    return create(schema, options)
  },
  Optional: (schema: Schema) => ({ ...schema, [OptionalKind]: 'Optional' }),
  Union: (types: Schema[], options?: Options) => {
    if (types.length === 0) throw new TypeError('[@roomhooks/core] Type.Union() needs at least one type')
    return types.length === 1 ? create(types[0] as Schema, options) : create({ [Kind]: 'Union', anyOf: types }, options)
  },
  Record: (key: Schema, value: Schema, options: Options = {}) => {
    if (key[Kind] !== 'String' || key['pattern'] !== undefined) {
      throw new TypeError('[@roomhooks/core] Type.Record() takes Type.String() keys only')
    }
    return create({ [Kind]: 'Record', type: 'object', patternProperties: { [ANY_STRING_KEY]: value } }, options)
  },
}

/** TypeBox's `Type`, for the builders the schemas use. */
export const Type = builders as unknown as Pick<
  typeof TypeBox,
  'String' | 'Integer' | 'Boolean' | 'Unknown' | 'Literal' | 'Array' | 'Object' | 'Optional' | 'Union' | 'Record'
>
