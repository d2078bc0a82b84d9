const encoder = new TextEncoder()

/** Where a request comes from, as far as the runtime can tell. */
export type ClientPlace = 'loopback' | 'remote' | 'unknown'

/** What the access check needs of a request. */
export interface AccessRequest {
  readonly method: string
  readonly client: ClientPlace
  readonly header: (name: string) => string | undefined
  /** `?token=` of the URL, if any. */
  readonly queryToken: string | undefined
}

/** Let in, or refused with this status and text. */
export type Access =
  { readonly allowed: true } | { readonly allowed: false; readonly status: 401 | 403; readonly error: string }

const ALLOWED: Access = { allowed: true }

/**
 * Who may see the inspector. With a token: whoever sends it (`Authorization: Bearer …` or `?token=`), compared in
 * constant time; 401 otherwise. Without one: only this machine — a loopback client that names a loopback host and
 * came through no proxy (a tunnel's agent connects from loopback too, but says `X-Forwarded-For` and the tunnel's
 * host), 403 otherwise. A POST from another site's page (`Origin`, `Sec-Fetch-Site`) is refused either way, so a
 * page the developer visits cannot replay callbacks through their browser.
 */
export function checkAccess(token: string | undefined, request: AccessRequest): Access {
  if (request.method === 'POST' && crossSite(request.header)) {
    return {
      allowed: false,
      status: 403,
      error: '[@roomhooks/inspector] A request from another site cannot replay callbacks',
    }
  }
  if (token !== undefined) {
    const given = bearerOf(request.header('authorization')) ?? request.queryToken
    if (given !== undefined && sameText(given, token)) return ALLOWED
    return {
      allowed: false,
      status: 401,
      error:
        '[@roomhooks/inspector] This inspector needs its token: open the page with ?token=… or send Authorization: Bearer …',
    }
  }
  if (request.client === 'unknown') {
    return {
      allowed: false,
      status: 403,
      error:
        "[@roomhooks/inspector] The fetch handler cannot tell where this request comes from: set the inspector's token option, or pass the client's address as fetch(request, { remoteAddress })",
    }
  }
  if (request.client !== 'loopback' || !fromThisMachine(request.header)) {
    return {
      allowed: false,
      status: 403,
      error:
        "[@roomhooks/inspector] Without a token the inspector answers this machine only (not a proxy or tunnel): set the inspector's token option to open it from elsewhere",
    }
  }
  return ALLOWED
}

/** Whether an address is the machine's own: 127.0.0.0/8 or ::1, also as an IPv4-mapped IPv6 address. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false
  const ipv4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ipv4)
}

/** No proxy on the way, and a Host that names this machine (so a DNS-rebinding site's page cannot read the API). */
function fromThisMachine(header: AccessRequest['header']): boolean {
  if (header('x-forwarded-for') !== undefined || header('forwarded') !== undefined) return false
  const host = header('host')
  if (host === undefined) return true
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '')
  const lower = name.toLowerCase()
  return (
    lower === 'localhost' ||
    lower.endsWith('.localhost') ||
    lower === '[::1]' ||
    lower === '0.0.0.0' || // what a browser sends for a server bound to every address, opened as such
    isLoopbackAddress(lower)
  )
}

function crossSite(header: AccessRequest['header']): boolean {
  // A browser's Sec-Fetch-Site, which no page can set, decides: behind a proxy that names the app server in Host
  // (nginx's default), the page's own Origin differs from Host. Origin is compared only when a browser sends no
  // Sec-Fetch-Site.
  const site = header('sec-fetch-site')
  if (site !== undefined) return site !== 'same-origin' && site !== 'none'
  const origin = header('origin')
  if (origin === undefined) return false
  try {
    return new URL(origin).host !== header('host')
  } catch {
    return true // "null" or garbage: not a page of this origin
  }
}

function bearerOf(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^Bearer +(\S+) *$/i.exec(authorization)
  return match?.[1]
}

/** Compares two texts in time that depends on their lengths only, not on where they differ. */
function sameText(given: string, expected: string): boolean {
  const a = encoder.encode(given)
  const b = encoder.encode(expected)
  let difference = a.length ^ b.length
  for (let i = 0; i < b.length; i++) difference |= (a[i % Math.max(a.length, 1)] ?? 0) ^ (b[i] ?? 0)
  return difference === 0
}
