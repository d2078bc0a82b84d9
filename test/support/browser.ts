// A real headless Chromium (the Debian package) driven by puppeteer-core, for the tests of pages. CI installs it;
// where it is missing, launching throws, so the tests that need it fail rather than skip.
import { accessSync, constants } from 'node:fs'
import puppeteer, { type Browser, type HTTPResponse, type Page } from 'puppeteer-core'

/** Where Debian's `chromium` package puts the browser; `CHROMIUM_PATH` names another. */
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium'

/** Starts headless Chromium. Throws, saying how to install it, when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  try {
    accessSync(CHROMIUM, constants.X_OK)
  } catch {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: install the Debian package (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH`,
    )
  }
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Chromium refuses to start its sandbox as root, which is how CI and containers run.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage', '--lang=en-US'],
    defaultViewport: { width: 1280, height: 800 },
  })
}

/** One response a page received, with its text (none for a stream, which never ends). */
export interface RecordedResponse {
  readonly url: string
  readonly status: number
  readonly contentType: string
  readonly text: string | undefined
}

/**
 * Records every response `page` receives from now on, with its body, so that a test can search all that reached the
 * browser; `settled()` waits for the bodies read so far. Requests that leave the loopback address are recorded
 * too, so that a test can check that the page needs nothing from the network.
 */
export function recordResponses(page: Page): {
  readonly responses: RecordedResponse[]
  readonly requests: string[]
  settled(): Promise<void>
} {
  const responses: RecordedResponse[] = []
  const requests: string[] = []
  const reading: Promise<void>[] = []
  page.on('request', (request) => void requests.push(request.url()))
  page.on('response', (response) => void reading.push(record(response).then((entry) => void responses.push(entry))))
  return { responses, requests, settled: () => Promise.all(reading).then(() => undefined) }
}

async function record(response: HTTPResponse): Promise<RecordedResponse> {
  const contentType = response.headers()['content-type'] ?? ''
  const base = { url: response.url(), status: response.status(), contentType }
  // An event stream stays open: its body is read by the tests over a socket of their own.
  if (contentType.startsWith('text/event-stream')) return { ...base, text: undefined }
  try {
    return { ...base, text: await response.text() }
  } catch {
    // A redirect or a page navigated away from has no body to read.
    return { ...base, text: undefined }
  }
}
