import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { Kind, OptionalKind, Type, TypeGuard, type TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { commandDefinitions, findDefinition } from '@roomhooks/core'
import { fixtureCommands, fixtureText } from '../../../test/support/callbacks.js'

describe('the command catalog', () => {
  it('has a fixture for every command and a command for every fixture', () => {
    expect(commandDefinitions.map((definition) => definition.command).sort()).to.deep.equal([...fixtureCommands])
  })

  it('says for every fixture, and for nothing else, which documentation page it comes from', () => {
    const sources = readFileSync(new URL('../fixtures/README.md', import.meta.url), 'utf8')
    const rows = [...sources.matchAll(/^\| `([\w.]+)` \| https:\/\/\S+/gm)].map((row) => row[1])
    expect(rows.sort()).to.deep.equal([...fixtureCommands])
  })

  it('gives every command, alias and event name one entry', () => {
    const names = commandDefinitions.flatMap((definition) => [
      definition.command,
      definition.event,
      ...definition.aliases,
    ])
    expect(new Set(names).size).to.equal(names.length)
    for (const name of names) expect(findDefinition(name)?.command, name).to.be.a('string')
  })

  // The schemas are built without loading TypeBox (schemas/builders.ts): they must be the schemas TypeBox makes.
  it("makes every schema one TypeBox's own guard accepts, optional exactly where not required", () => {
    const visit = (schema: TSchema, path: string): void => {
      expect(TypeGuard.IsSchema(schema), path).to.equal(true)
      const required = new Set<string>((schema['required'] as string[] | undefined) ?? [])
      for (const [key, property] of Object.entries((schema['properties'] ?? {}) as Record<string, TSchema>)) {
        expect(property[OptionalKind] === 'Optional', `${path}/${key} optional`).to.equal(!required.has(key))
        visit(property, `${path}/${key}`)
      }
      if (schema[Kind] === 'Array') visit(schema['items'] as TSchema, `${path}[]`)
    }
    for (const definition of commandDefinitions) visit(definition.schema, definition.command)
  })

  it("builds schemas equal to TypeBox's builders', symbols and key order included", () => {
    const group = commandDefinitions.find((definition) => definition.command === 'Group.CallbackAfterSendMsg')
    const content = (group?.schema.properties as Record<string, TSchema> | undefined)?.['MsgBody'] as TSchema
    const message = (content['items'] as TSchema)['properties'] as Record<string, TSchema>
    const expected = Type.Record(Type.String(), Type.Unknown(), { description: 'Content, by MsgType' })
    expect(Reflect.ownKeys(message['MsgContent'] as TSchema)).to.deep.equal(Reflect.ownKeys(expected))
    expect(message['MsgContent']).to.deep.equal(expected)
    const created = commandDefinitions.find((definition) => definition.command === 'Room.CallbackAfterCreateRoom')
    const room = (created?.schema.properties as Record<string, TSchema>)['RoomInfo'] as TSchema
    const roomId = (room['properties'] as Record<string, TSchema>)['RoomId'] as TSchema
    expect(Reflect.ownKeys(roomId)).to.deep.equal(Reflect.ownKeys(Type.String({ description: 'Room ID' })))
    expect(roomId).to.deep.equal(Type.String({ description: 'Room ID' }))
  })

  it('gives before-callbacks, and only them, decision rules', () => {
    for (const definition of commandDefinitions) {
      expect(definition.decisions !== undefined, definition.command).to.equal(definition.kind === 'before')
    }
  })

  for (const definition of commandDefinitions) {
    it(`checks the ${definition.command} fixture against its schema (samples with quirks fail until normalised)`, () => {
      const check = TypeCompiler.Compile(definition.schema)
      const payload = JSON.parse(fixtureText(definition.command))
      const quirky = [
        'Room.CallbackAfterUpdateRoomInfo',
        'Group.CallbackBeforeSendMsg',
        'Group.CallbackAfterSendMsg',
        'Live.CallbackAfterDestroyRoom',
        'Mic.CallbackAfterSeatInfoChanged',
        'Live.CallbackAfterEndBattle',
      ]
      expect(check.Check(payload), [...check.Errors(payload)].map((error) => error.path).join()).to.equal(
        !quirky.includes(definition.command),
      )
    })
  }
})
