// The inspector's page: plain DOM code, no framework. Everything it shows comes from callbacks, which anyone who
// can reach the receiver may send, so every value is written with textContent, never as HTML.
;(() => {
  'use strict'

  const base = document.body.dataset.base || '/roomhooks'
  // The token the page was opened with (?token=…): sent with each request, never written into the page.
  const token = new URLSearchParams(location.search).get('token')
  const MAX_ROWS = 2000
  const MAX_INDENT = 32

  /** Every summary received, by id; `order` keeps them newest first. */
  const entries = new Map()
  let order = []
  let selected = null
  let opened = null
  const filter = { text: '', outcome: '' }

  const $ = (selector) => document.querySelector(`[data-testid="${selector}"]`)
  const tbody = $('callback-list').querySelector('tbody')
  const textInput = $('filter-text')
  const outcomeSelect = $('filter-outcome')
  const detail = $('detail')
  const replayButton = $('replay')
  const liveStatus = $('live-status')

  function el(tag, className, text) {
    const node = document.createElement(tag)
    if (className) node.className = className
    if (text !== undefined && text !== null) node.textContent = String(text)
    return node
  }

  function api(path, init) {
    const headers = { accept: 'application/json' }
    if (token) headers.authorization = `Bearer ${token}`
    return fetch(`${base}/api/${path}`, { ...init, headers, cache: 'no-store' }).then(async (response) => {
      const body = await response.json().catch(() => ({}))
      if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`)
      return body
    })
  }

  // ---- JSON, pretty-printed from its text: numbers stay as sent (an 18-digit ID is never rounded by JSON.parse).

  /** Writes `text` as indented JSON into `target`, with spans per token; text that is not JSON is written as is. */
  function renderJson(target, text) {
    target.textContent = ''
    const tokens = tokenize(text)
    if (tokens === null) {
      target.textContent = text
      return
    }
    const fragment = document.createDocumentFragment()
    let depth = 0
    let line = ''
    // Indentation stops growing past MAX_INDENT levels: a body nested thousands deep (anyone may send one) would
    // otherwise indent each line by thousands of spaces, a text quadratic in its size that stalls the page.
    const indent = () => '  '.repeat(Math.min(depth, MAX_INDENT))
    const flush = () => {
      if (line) fragment.append(document.createTextNode(line))
      line = ''
    }
    const span = (className, value) => {
      flush()
      fragment.append(el('span', className, value))
    }
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]
      const next = tokens[i + 1]
      if (token.type === 'open') {
        if (next && next.type === 'close') {
          line += token.value + next.value
          i++
        } else {
          depth++
          line += `${token.value}\n${indent()}`
        }
      } else if (token.type === 'close') {
        depth = Math.max(0, depth - 1)
        line += `\n${indent()}${token.value}`
      } else if (token.type === 'comma') {
        line += `,\n${indent()}`
      } else if (token.type === 'colon') {
        line += ': '
      } else if (token.type === 'string') {
        span(next && next.type === 'colon' ? 'k' : 's', token.value)
      } else if (token.type === 'number') {
        span('n', token.value)
      } else {
        span('l', token.value)
      }
    }
    flush()
    target.append(fragment)
  }

  /** The tokens of a JSON text (a cut one too), or null when it is not JSON at all. */
  function tokenize(text) {
    const tokens = []
    let i = 0
    while (i < text.length) {
      const char = text[i]
      if (char === ' ' || char === '\n' || char === '\r' || char === '\t') {
        i++
      } else if (char === '{' || char === '[') {
        tokens.push({ type: 'open', value: char })
        i++
      } else if (char === '}' || char === ']') {
        tokens.push({ type: 'close', value: char })
        i++
      } else if (char === ',') {
        tokens.push({ type: 'comma' })
        i++
      } else if (char === ':') {
        tokens.push({ type: 'colon' })
        i++
      } else if (char === '"') {
        let end = i + 1
        while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1
        tokens.push({ type: 'string', value: text.slice(i, end + 1) })
        i = end + 1
      } else {
        const match = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400))
        if (match === null) return null
        tokens.push({ type: /^[-\d]/.test(match[0]) ? 'number' : 'literal', value: match[0] })
        i += match[0].length
      }
    }
    return tokens.length > 0 && tokens[0].type === 'open' ? tokens : null
  }

  // ---- The list.

  function timeOf(iso) {
    const date = new Date(iso)
    const pad = (n, size = 2) => String(n).padStart(size, '0')
    return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  }

  function decisionText(decision) {
    if (!decision) return ''
    if (decision.name === 'rejected') return `rejected: ${decision.errorInfo || `ErrorCode ${decision.errorCode}`}`
    return decision.name
  }

  function duration(ms) {
    return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`
  }

  function matches(summary) {
    if (filter.outcome && summary.outcome !== filter.outcome) return false
    if (!filter.text) return true
    const haystack = [
      summary.id,
      summary.command,
      summary.event,
      summary.outcome,
      summary.reason,
      summary.errorInfo,
      summary.roomId,
      summary.status,
      summary.errorCode,
      summary.source,
      decisionText(summary.decision),
      summary.text,
    ]
      .filter((value) => value !== null && value !== undefined)
      .join(' ')
      .toLowerCase()
    return filter.text
      .toLowerCase()
      .split(/\s+/)
      .every((word) => haystack.includes(word))
  }

  function row(summary) {
    const tr = el('tr')
    tr.dataset.testid = 'callback-row'
    tr.dataset.id = summary.id
    tr.dataset.outcome = summary.outcome
    tr.setAttribute('aria-selected', String(summary.id === selected))

    const time = el('td', 'time', timeOf(summary.receivedAt))
    time.title = summary.receivedAt

    const what = el('td')
    what.append(el('span', 'event', summary.event || summary.command || '(no command)'))
    if (summary.source !== 'receiver') {
      const tag = summary.source === 'replay' ? `replay of #${summary.replayOf}` : 'worker'
      what.append(el('span', 'tag', `${tag} · attempt ${summary.attempt}`))
    }
    if (summary.event && summary.command) what.append(el('span', 'command', summary.command))
    if (summary.roomId) what.append(el('span', 'command', `room ${summary.roomId}`))

    // A before-callback's decision sits under its outcome: a rejected gift is answered OK, and reads as rejected.
    const outcome = el('td')
    const badge = el('span', `badge ${summary.outcome}`, summary.outcome)
    badge.dataset.testid = 'outcome'
    outcome.append(badge)
    if (summary.decision) {
      const decision = el('span', `decision ${summary.decision.name}`, decisionText(summary.decision))
      decision.dataset.testid = 'decision'
      decision.title = decision.textContent
      outcome.append(decision)
    }

    const reason = el('td', 'reason')
    reason.dataset.testid = 'reason'
    if (summary.reason) reason.append(el('span', 'mono', summary.reason))
    if (summary.errorInfo && !(summary.decision && summary.decision.errorInfo === summary.errorInfo)) {
      const info = el('span', 'info', summary.errorInfo)
      info.title = summary.errorInfo
      reason.append(info)
    }

    tr.append(
      time,
      what,
      outcome,
      el('td', 'num', summary.status ?? '—'),
      el('td', 'num', summary.errorCode ?? '—'),
      el('td', 'num', duration(summary.durationMs)),
      reason,
    )
    return tr
  }

  function renderList() {
    tbody.textContent = ''
    const fragment = document.createDocumentFragment()
    let shown = 0
    for (const id of order) {
      const summary = entries.get(id)
      if (!matches(summary)) continue
      const tr = row(summary)
      if (summary.fresh) tr.classList.add('fresh')
      summary.fresh = false
      fragment.append(tr)
      shown++
    }
    tbody.append(fragment)
    $('empty').hidden = order.length > 0
    $('callback-count').textContent =
      shown === order.length ? `${order.length} callbacks` : `${shown} of ${order.length} callbacks`
  }

  // A burst of callbacks redraws the list once per frame, not once per callback.
  let renderPending = false
  function scheduleRender() {
    if (renderPending) return
    renderPending = true
    requestAnimationFrame(() => {
      renderPending = false
      renderList()
    })
  }

  function upsert(summary, fresh) {
    const known = entries.get(summary.id)
    // Keeps the payload text found for the text filter, if the entry was opened.
    entries.set(summary.id, { ...summary, text: known ? known.text : undefined, fresh })
    if (!known) {
      order.unshift(summary.id)
      order.sort((a, b) => Number(b) - Number(a))
      if (order.length > MAX_ROWS) for (const id of order.splice(MAX_ROWS)) entries.delete(id)
    }
  }

  function loadList() {
    return api('callbacks').then(({ callbacks }) => {
      // The list replaces what the page holds, except entries the stream brought since the list was read.
      const newest = callbacks.length > 0 ? Number(callbacks[0].id) : 0
      const previous = new Map(entries)
      entries.clear()
      order = []
      for (const summary of callbacks.slice().reverse()) upsert(summary, false)
      for (const [id, known] of previous) {
        if (Number(id) > newest) upsert(known, false)
        else if (entries.has(id)) entries.get(id).text = known.text
      }
      renderList()
    })
  }

  // ---- The detail pane.

  function fact(list, name, value) {
    if (value === null || value === undefined || value === '') return
    list.append(el('dt', '', name), el('dd', '', value))
  }

  function showSection(name, visible) {
    $(`${name}-section`).hidden = !visible
  }

  function openEntry(id) {
    selected = id
    opened = id
    markSelected()
    return api(`callbacks/${encodeURIComponent(id)}`).then(
      (entry) => {
        if (opened !== id) return
        renderDetail(entry)
      },
      (error) => {
        if (opened !== id) return
        renderMissing(error)
      },
    )
  }

  function renderMissing(error) {
    detail.hidden = false
    $('detail-title').textContent = 'Not available'
    $('detail-sub').textContent = error.message
    $('detail-facts').textContent = ''
    replayButton.disabled = true
    for (const name of ['detail-errors', 'detail-payload', 'detail-raw', 'detail-answer', 'detail-query']) {
      showSection(name, false)
    }
  }

  function renderDetail(entry) {
    detail.hidden = false
    detail.dataset.id = entry.id
    detail.dataset.outcome = entry.outcome
    $('detail-title').textContent = entry.event || entry.command || '(no command)'
    $('detail-sub').textContent = [entry.command, `#${entry.id}`].filter(Boolean).join(' · ')

    const facts = $('detail-facts')
    facts.textContent = ''
    const badge = el('span', `badge ${entry.outcome}`, entry.outcome)
    const outcome = el('dd')
    outcome.append(badge)
    facts.append(el('dt', '', 'outcome'), outcome)
    fact(facts, 'received', new Date(entry.receivedAt).toLocaleString())
    fact(facts, 'HTTP status', entry.status)
    fact(facts, 'ErrorCode', entry.errorCode)
    fact(facts, 'reason', entry.reason)
    fact(facts, 'ErrorInfo', entry.errorInfo)
    fact(facts, 'decision', decisionText(entry.decision))
    fact(facts, 'duration', duration(entry.durationMs))
    fact(facts, 'source', entry.source === 'replay' ? `replay of #${entry.replayOf}` : entry.source)
    fact(facts, 'attempt', entry.attempt)
    fact(facts, 'room', entry.roomId)

    replayButton.disabled = !entry.replayable
    replayButton.title = entry.replayable ? 'Run its handlers again (r)' : entry.notReplayable || ''
    $('detail-truncated').hidden = !entry.truncated

    const errors = $('detail-errors')
    errors.textContent = ''
    for (const error of entry.errors) {
      const box = el('div', 'error')
      box.dataset.testid = 'detail-error'
      box.append(el('p', '', `${error.reason}: ${error.message}`))
      if (error.stack) box.append(el('pre', 'stack', error.stack))
      errors.append(box)
    }
    showSection('detail-errors', entry.errors.length > 0)

    if (entry.payload !== null) renderJson($('detail-payload'), entry.payload)
    showSection('detail-payload', entry.payload !== null)
    $('detail-raw-body').textContent = entry.rawBody ?? ''
    showSection('detail-raw', entry.rawBody !== null)
    if (entry.answer !== null) renderJson($('detail-answer'), entry.answer)
    showSection('detail-answer', entry.answer !== null)
    $('detail-query').textContent = entry.query ?? ''
    showSection('detail-query', entry.query !== null && entry.query !== '')

    // The payload joins what the text filter searches, so an ID found in it finds the row.
    const known = entries.get(entry.id)
    if (known) known.text = `${entry.payload ?? ''} ${entry.rawBody ?? ''}`
  }

  function closeDetail() {
    opened = null
    detail.hidden = true
    $('replay-note').hidden = true
  }

  function replay() {
    if (opened === null || replayButton.disabled) return
    const id = opened
    replayButton.disabled = true
    const note = $('replay-note')
    api(`callbacks/${encodeURIComponent(id)}/replay`, { method: 'POST' }).then(
      ({ callback }) => {
        upsert(callback, true)
        renderList()
        note.hidden = false
        note.textContent = `Replayed as #${callback.id} (attempt ${callback.attempt}): ${callback.outcome}${
          callback.reason ? `, ${callback.reason}` : ''
        }`
        return openEntry(callback.id)
      },
      (error) => {
        note.hidden = false
        note.textContent = `Replay failed: ${error.message}`
        replayButton.disabled = false
      },
    )
  }

  // ---- Selection and keys.

  function visibleRows() {
    return [...tbody.querySelectorAll('tr')]
  }

  function markSelected() {
    for (const tr of visibleRows()) {
      const on = tr.dataset.id === selected
      tr.setAttribute('aria-selected', String(on))
      if (on) tr.scrollIntoView({ block: 'nearest' })
    }
  }

  function move(step) {
    const rows = visibleRows()
    if (rows.length === 0) return
    const at = rows.findIndex((tr) => tr.dataset.id === selected)
    const next = rows[Math.min(rows.length - 1, Math.max(0, at === -1 ? 0 : at + step))]
    selected = next.dataset.id
    markSelected()
    if (opened !== null) void openEntry(selected)
  }

  tbody.addEventListener('click', (event) => {
    const tr = event.target.closest('tr')
    if (tr) void openEntry(tr.dataset.id)
  })

  document.addEventListener('keydown', (event) => {
    if (event.metaKey || event.ctrlKey || event.altKey) return
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement
    if (event.key === 'Escape') {
      if (typing) event.target.blur()
      else closeDetail()
      return
    }
    if (typing) return
    if (event.key === '/') {
      event.preventDefault()
      textInput.focus()
    } else if (event.key === 'j' || event.key === 'ArrowDown') {
      event.preventDefault()
      move(1)
    } else if (event.key === 'k' || event.key === 'ArrowUp') {
      event.preventDefault()
      move(-1)
    } else if (event.key === 'Enter' && selected !== null) {
      event.preventDefault()
      void openEntry(selected)
    } else if (event.key === 'r') {
      replay()
    }
  })

  textInput.addEventListener('input', () => {
    filter.text = textInput.value.trim()
    renderList()
  })
  outcomeSelect.addEventListener('change', () => {
    filter.outcome = outcomeSelect.value
    renderList()
  })
  $('filters').addEventListener('submit', (event) => event.preventDefault())
  replayButton.addEventListener('click', replay)
  $('detail-close').addEventListener('click', closeDetail)

  // ---- Rooms.

  function renderRooms(rooms) {
    const list = $('rooms')
    list.textContent = ''
    $('rooms-empty').hidden = rooms.length > 0
    for (const room of rooms) {
      const card = el('article', 'room')
      card.dataset.testid = 'room'
      card.dataset.roomId = room.roomId
      card.append(el('h3', '', room.roomId))
      card.append(el('p', 'sub', `${room.kind} · ${room.count} ${room.count === 1 ? 'member' : 'members'}`))
      const members = el('ul')
      for (const member of room.members) {
        const item = el('li', '', member.userId)
        item.dataset.testid = 'room-member'
        item.title = `since ${new Date(member.since).toLocaleString()}`
        members.append(item)
      }
      card.append(members)
      if (room.seats) {
        const seats = room.seats.map((seat) => `${seat.index}: ${seat.userId ?? 'free'}`).join(' · ')
        card.append(el('p', 'sub', `seats ${seats}`))
      }
      list.append(card)
    }
  }

  function showView(name) {
    for (const button of document.querySelectorAll('[data-view]')) {
      button.setAttribute('aria-pressed', String(button.dataset.view === name))
    }
    $('callbacks-view').hidden = name !== 'callbacks'
    $('rooms-view').hidden = name !== 'rooms'
  }

  for (const button of document.querySelectorAll('[data-view]')) {
    button.addEventListener('click', () => showView(button.dataset.view))
  }

  function loadRooms() {
    return api('rooms').then(
      ({ rooms }) => {
        $('tab-rooms').hidden = false
        renderRooms(rooms)
      },
      () => {}, // no presence configured: the Rooms view stays hidden
    )
  }

  // ---- Live.

  function connect() {
    const url = `${base}/api/events${token ? `?token=${encodeURIComponent(token)}` : ''}`
    const source = new EventSource(url)
    source.addEventListener('open', () => {
      liveStatus.dataset.state = 'live'
      liveStatus.textContent = 'live'
      // Anything missed while disconnected comes with the list.
      void loadList().catch(() => {})
    })
    source.addEventListener('error', () => {
      liveStatus.dataset.state = source.readyState === EventSource.CLOSED ? 'down' : 'connecting'
      liveStatus.textContent = source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…'
    })
    source.addEventListener('callback', (event) => {
      const summary = JSON.parse(event.data)
      upsert(summary, true)
      scheduleRender()
      if (opened === summary.id) void openEntry(summary.id)
    })
    source.addEventListener('rooms', (event) => {
      $('tab-rooms').hidden = false
      renderRooms(JSON.parse(event.data).rooms)
    })
  }

  loadList().catch((error) => {
    liveStatus.dataset.state = 'down'
    liveStatus.textContent = error.message
  })
  void loadRooms()
  connect()
})()
