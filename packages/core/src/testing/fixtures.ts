import { Errors } from '@sinclair/typebox/errors'
import { commandDefinitions } from '../catalog.js'
import { parseJsonLosslessly } from '../intake/lossless-json.js'
import type { CommandName, PayloadOf } from '../types.js'
import { validatePayload } from '../intake/validate.js'
import { fixtureTexts } from './fixture-texts.js'

/** The sample body of a command as the platform sends it (documented quirks such as bare 18-digit IDs kept). */
export function fixtureText(command: CommandName): string {
  return fixtureTexts[command]
}

/** Every command's sample payload as handlers receive it: validated, user IDs as strings. Frozen. */
export const fixtures = Object.freeze(
  Object.fromEntries(
    commandDefinitions.map((definition) => {
      const text = fixtureTexts[definition.command]
      const payload = parseJsonLosslessly(text) as Record<string, unknown>
      validatePayload(definition, payload, text, () => {}, Errors)
      return [definition.command, deepFreeze(payload)]
    }),
  ),
) as { readonly [C in CommandName]: PayloadOf<C> }

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
