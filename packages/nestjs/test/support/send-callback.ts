import type { ListenableName } from '@roomhooks/core'
import { createTestCallback, type TestCallbackOptions } from '@roomhooks/core/testing'
import { SDK_APP_ID, TOKEN } from '../../../../test/support/callbacks.js'
import { post, type Answer } from '../../../../test/support/http.js'
import { CALLBACK_PATH } from '../../../../test/support/receiver-contract.js'

/** Sends a callback as the platform does, signed with the tests' token unless told otherwise, to the app's path. */
export function sendCallback<N extends ListenableName>(
  app: { readonly url: string },
  name: N,
  options: Partial<TestCallbackOptions<N>> = {},
): Promise<Answer> {
  const callback = createTestCallback(name, { sdkAppId: SDK_APP_ID, token: TOKEN, ...options })
  return post(callback.url(`${app.url}${CALLBACK_PATH}`), callback.body, callback.headers)
}
