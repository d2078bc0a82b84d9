import { createMemoryPresenceStore } from '@roomhooks/presence'
import { presenceStoreRules } from './store-rules.js'

describe('createMemoryPresenceStore()', () => {
  presenceStoreRules((options) => createMemoryPresenceStore(options))
})
