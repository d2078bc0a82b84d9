// @OnRoomEvent() methods of a real Nest application's providers and controllers, found when it starts and run for
// callbacks sent over a socket, on each NestJS version and platform.
import { expect } from 'chai'
import { SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'
import { CALLBACK_PATH } from '../../../test/support/receiver-contract.js'
import { nestVersions, type StartedApp } from './support/nest-versions.js'
import { sendCallback } from './support/send-callback.js'

for (const version of nestVersions) {
  const nest = await version.load()
  for (const platform of ['express', 'fastify'] as const) {
    describe(`@OnRoomEvent() on ${version.name}, ${platform}`, () => {
      let app: StartedApp
      let lines: string[]
      let errors: string[]
      before(async () => {
        const module = nest.FeatureAppModule.with({ sdkAppId: SDK_APP_ID, token: TOKEN, path: CALLBACK_PATH })
        app = await nest.startNestApp(module, { platform })
        ;({ lines, errors } = app.app.get(nest.Recorder))
      })
      after(() => app.close())
      beforeEach(() => {
        lines.length = 0
        errors.length = 0
      })

      it('runs a method for its event, with the payload typed and checked', async () => {
        const answer = await sendCallback(app, 'room.created', {
          overrides: { RoomInfo: { RoomId: 'room-1', Owner_Account: 'alice' } },
        })
        expect(answer.status).to.equal(200)
        expect(lines).to.include('room room-1 created by alice')
      })

      it('runs a method for each of several names', async () => {
        await sendCallback(app, 'member.enter', { overrides: { RoomId: 'r', MemberList_Account: ['bob'] } })
        await sendCallback(app, 'Room.CallbackAfterMemberLeave', {
          overrides: { RoomId: 'r', MemberList_Account: ['eve'] },
        })
        expect(lines.filter((line) => !line.startsWith('any '))).to.deep.equal([
          'member.enter bob in r',
          'member.leave eve in r',
        ])
      })

      it('takes an array of event names and commands, and gets user IDs above 2^53 exact', async () => {
        await sendCallback(app, 'live.created')
        await sendCallback(app, 'live.destroyed')
        expect(lines.filter((line) => !line.startsWith('any '))).to.have.length(2)
        expect(lines).to.include('live.destroyed owned by 144115216631667826')
      })

      it('adds up several @OnRoomEvent() on one method', async () => {
        await sendCallback(app, 'seat.changed')
        await sendCallback(app, 'battle.created')
        expect(lines.filter((line) => line.startsWith('stacked '))).to.deep.equal([
          'stacked seat.changed',
          'stacked battle.created',
        ])
      })

      it('runs a method once when its provider is also provided under another token', async () => {
        await sendCallback(app, 'room.created')
        expect(lines.filter((line) => line.startsWith('room '))).to.have.length(1)
      })

      it('finds methods on controllers as well as on providers', async () => {
        await sendCallback(app, 'follow.added', { overrides: { From_Account: 'carol' } })
        expect(lines.filter((line) => line.startsWith('carol followed '))).to.have.length(1)
      })

      it('answers a gift with the decision the method returns', async () => {
        const rejected = await sendCallback(app, 'gift.beforeSend', { overrides: { GiftWater: { Coins: 501 } } })
        expect(rejected.status).to.equal(200)
        expect(rejected.envelope).to.deep.equal({
          ActionStatus: 'OK',
          ErrorCode: 1,
          ErrorInfo: 'Gifts over 500 coins need approval',
        })
        const allowed = await sendCallback(app, 'gift.beforeSend', { overrides: { GiftWater: { Coins: 500 } } })
        expect(allowed.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
      })

      it('answers a message with the decision an async method returns: drop, reject with a code, or a replacement', async () => {
        const text = (Text: string) => ({ MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text } }] })
        const dropped = await sendCallback(app, 'message.beforeSend', { overrides: text('buy spam') })
        expect(dropped.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 2, ErrorInfo: '' })
        const rejected = await sendCallback(app, 'message.beforeSend', { overrides: text('rude words') })
        expect(rejected.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 120010, ErrorInfo: 'Be nice' })
        const replaced = await sendCallback(app, 'message.beforeSend', { overrides: text('hello') })
        expect(replaced.envelope).to.deep.equal({
          ActionStatus: 'OK',
          ErrorCode: 0,
          ErrorInfo: '',
          MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'cleaned' } }],
        })
      })

      it('answers 500 with a generic envelope when a method throws, and tells onError', async () => {
        const answer = await sendCallback(app, 'room.destroyed')
        expect(answer.status).to.equal(500)
        expect(answer.envelope).to.deep.equal({
          ActionStatus: 'FAIL',
          ErrorCode: 50001,
          ErrorInfo: 'A handler for Room.CallbackAfterDestroyRoom failed',
        })
        expect(errors).to.have.length(1)
        expect(errors[0]).to.match(/^HANDLER_FAILED: /)
      })
    })

    describe(`@OnRoomEvent() mistakes on ${version.name}, ${platform}`, () => {
      it('refuses a static method when the class is declared, naming it', () => {
        class RoomsService {
          static created(): void {}
        }
        // What `@OnRoomEvent('room.created') static created()` does when the class is declared.
        const decorate = nest.OnRoomEvent('room.created') as (target: object, key: string, descriptor: object) => void
        expect(() =>
          decorate(RoomsService, 'created', Object.getOwnPropertyDescriptor(RoomsService, 'created')!),
        ).to.throw(
          TypeError,
          /^\[@roomhooks\/nestjs\] @OnRoomEvent\(\) on the static method RoomsService\.created\(\): handlers are methods of a provider's instance/,
        )
      })

      it('stops the application at start-up when a handler is on a request-scoped provider', async () => {
        const module = nest.MisdeclaredAppModule.requestScoped(SDK_APP_ID, CALLBACK_PATH)
        const app = await nest.createNestApp(module, { platform })
        try {
          await app.init()
          expect.fail('the application started')
        } catch (error) {
          expect((error as Error).message).to.match(
            /^\[@roomhooks\/nestjs\] @OnRoomEvent\(\) on PerRequestService\.created\(\): its provider is request-scoped/,
          )
        } finally {
          await app.close()
        }
      })

      it('stops the application at start-up when a handler is on a transient provider', async () => {
        const app = await nest.createNestApp(nest.MisdeclaredAppModule.transient(SDK_APP_ID, CALLBACK_PATH), {
          platform,
        })
        try {
          await app.init()
          expect.fail('the application started')
        } catch (error) {
          expect((error as Error).message).to.match(
            /^\[@roomhooks\/nestjs\] @OnRoomEvent\(\) on TransientService\.created\(\): its provider is transient \(Scope\.TRANSIENT\)/,
          )
        } finally {
          await app.close()
        }
      })

      it('stops the application at start-up when a handler names no event of the catalog', async () => {
        const app = await nest.createNestApp(nest.MisdeclaredAppModule.unknownEvent(SDK_APP_ID, CALLBACK_PATH), {
          platform,
        })
        try {
          await app.init()
          expect.fail('the application started')
        } catch (error) {
          expect((error as Error).message).to.match(
            /^\[@roomhooks\/nestjs\] @OnRoomEvent\(\) on MistypedService\.created\(\): \[@roomhooks\/core\] Unknown event "room\.create"/,
          )
        } finally {
          await app.close()
        }
      })
    })
  }
}
