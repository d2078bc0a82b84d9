// RoomhooksModule in real Nest applications: forRoot() and forRootAsync() with ConfigService, the RoomWebhooks it
// provides, an application without HTTP, Nest's logger, and app.close().
import { expect } from 'chai'
import type { LoggerService } from '@nestjs/common'
import { createTestCallback } from '@roomhooks/core/testing'
import { SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'
import { CALLBACK_PATH } from '../../../test/support/receiver-contract.js'
import { nestVersions, type StartedApp } from './support/nest-versions.js'
import { sendCallback } from './support/send-callback.js'

for (const version of nestVersions) {
  const nest = await version.load()
  const settings = { sdkAppId: SDK_APP_ID, token: TOKEN, path: CALLBACK_PATH }

  for (const platform of ['express', 'fastify'] as const) {
    describe(`RoomhooksModule on ${version.name}, ${platform}`, () => {
      let app: StartedApp | undefined
      afterEach(async () => {
        await app?.close()
        app = undefined
      })

      for (const fromConfig of [false, true]) {
        const how = fromConfig ? 'forRootAsync() with ConfigService' : 'forRoot()'
        it(`receives callbacks at the path with the options of ${how}`, async () => {
          app = await nest.startNestApp(nest.FeatureAppModule.with({ ...settings, fromConfig }), { platform })
          const signed = await sendCallback(app, 'room.created', { overrides: { RoomInfo: { RoomId: 'r1' } } })
          expect(signed.status).to.equal(200)
          const unsigned = await sendCallback(app, 'room.created', { token: undefined })
          expect(unsigned.status).to.equal(401)
          const otherToken = await sendCallback(app, 'room.created', { token: 'another-token' })
          expect(otherToken.status).to.equal(401)
          expect(app.app.get(nest.Recorder).lines).to.include('room r1 created by user3')
        })
      }

      it('provides its RoomWebhooks by class, for onError() and onAny() in any provider', async () => {
        app = await nest.startNestApp(nest.FeatureAppModule.with(settings), { platform })
        const { lines, errors } = app.app.get(nest.Recorder)
        await sendCallback(app, 'member.enter', { sdkAppId: 1400000001 })
        expect(errors).to.have.length(1)
        expect(errors[0]).to.match(/^UNKNOWN_SDKAPPID: .*"1400000001" is not accepted/)
        await sendCallback(app, 'member.enter')
        expect(lines).to.include('any Room.CallbackAfterMemberEnter')
        const hooks = app.app.get(nest.RoomWebhooks)
        const callback = createTestCallback('room.created', { sdkAppId: SDK_APP_ID, token: TOKEN })
        expect((await hooks.receive({ query: callback.query, body: callback.body })).status).to.equal(200)
      })

      it('closes its RoomWebhooks on app.close(), once the handlers of callbacks already answered have finished', async () => {
        const started = await nest.startNestApp(nest.FeatureAppModule.with({ ...settings, handlerTimeout: 50 }), {
          platform,
        })
        const { lines } = started.app.get(nest.Recorder)
        const answer = await sendCallback(started, 'room.updated', { overrides: { RoomInfo: { RoomId: 'slow-1' } } })
        expect(answer.status).to.equal(200)
        expect(lines).to.include('slow slow-1 started').and.not.to.include('slow slow-1 finished')
        await started.close()
        expect(lines).to.include('slow slow-1 finished')
        const hooks = started.app.get(nest.RoomWebhooks)
        const callback = createTestCallback('room.created', { sdkAppId: SDK_APP_ID, token: TOKEN })
        expect((await hooks.receive({ query: callback.query, body: callback.body })).status).to.equal(503)
      })

      it('leaves open on app.close() a RoomWebhooks it was given, which another application may still be using', async () => {
        const hooks = nest.createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: TOKEN, log: { warn() {}, error() {} } })
        const module = nest.ContractAppModule.with(hooks, CALLBACK_PATH)
        const first = await nest.startNestApp(module, { platform })
        const second = await nest.startNestApp(module, { platform })
        try {
          await first.close()
          expect((await sendCallback(second, 'room.created')).status).to.equal(200)
          const callback = createTestCallback('room.created', { sdkAppId: SDK_APP_ID, token: TOKEN })
          expect((await hooks.receive({ query: callback.query, body: callback.body })).status).to.equal(200)
        } finally {
          await second.close()
          await hooks.close()
        }
      })

      it('logs through the application logger', async () => {
        const logged: string[] = []
        const logger: LoggerService = {
          log: (message, context) => void logged.push(`log ${String(context)}: ${String(message)}`),
          warn: (message, context) => void logged.push(`warn ${String(context)}: ${String(message)}`),
          error: (message, stack, context) =>
            void logged.push(`error ${String(context)}: ${String(message)}\n${String(stack)}`),
        }
        app = await nest.startNestApp(nest.MinimalAppModule.with(SDK_APP_ID, CALLBACK_PATH), {
          platform,
          appOptions: { logger },
        })
        expect(logged).to.include(
          `log RoomhooksModule: Callbacks at POST ${CALLBACK_PATH} (${platform}), 1 @OnRoomEvent() handlers`,
        )
        await sendCallback(app, 'room.created', { sdkAppId: 1400000001 })
        expect(logged.filter((line) => line.startsWith('warn Roomhooks: '))).to.have.length(1)
        await sendCallback(app, 'room.destroyed', { token: undefined })
        const errors = logged.filter((line) => line.startsWith('error Roomhooks: '))
        expect(errors).to.have.length(1)
        expect(errors[0]).to.match(
          /A handler for Room\.CallbackAfterDestroyRoom failed[^]*\nError: the database is down\n +at /,
        )
      })

      it('refuses options without the path of the callback URL, and a decorator without an event', () => {
        expect(() => nest.RoomhooksModule.forRoot(undefined as never)).to.throw(TypeError, /needs options/)
        expect(() => nest.RoomhooksModule.forRoot({ sdkAppId: SDK_APP_ID } as never)).to.throw(
          TypeError,
          /^\[@roomhooks\/nestjs\] RoomhooksModule needs the path of the callback URL/,
        )
        expect(() => nest.RoomhooksModule.forRoot({ sdkAppId: SDK_APP_ID, path: 'tencent/callback' })).to.throw(
          TypeError,
          /starting with "\/"/,
        )
        expect(() => nest.OnRoomEvent(...([] as unknown as ['room.created']))).to.throw(
          TypeError,
          /^\[@roomhooks\/nestjs\] @OnRoomEvent\(\) needs at least one event name/,
        )
      })
    })
  }

  describe(`RoomhooksModule on ${version.name}, without HTTP`, () => {
    it('adds the handlers in an application context, for a worker or a script to receive with', async () => {
      const context = await nest.createNestContext(nest.FeatureAppModule.with(settings))
      try {
        const callback = createTestCallback('member.leave', {
          sdkAppId: SDK_APP_ID,
          token: TOKEN,
          overrides: { RoomId: 'r9', MemberList_Account: ['dan'] },
        })
        const answer = await context.get(nest.RoomWebhooks).receive({ query: callback.query, body: callback.body })
        expect(answer.status).to.equal(200)
        expect(context.get(nest.Recorder).lines).to.include('member.leave dan in r9')
      } finally {
        await context.close()
      }
    })
  })
}
