import { readFileSync } from 'node:fs'
import { expect } from 'chai'
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
