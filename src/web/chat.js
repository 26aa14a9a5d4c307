// The chat page: one WebSocket speaking docs/websocket.md, and the DOM. Plain ES module, no framework and
// no build step: the server serves this file as it is. Text from the network only ever reaches the page
// through textContent, never as HTML.

/** Entries kept per room or private chat; older ones scroll away. */
const maxEntriesPerView = 500;
/** Reconnect backoff, as the terminal client's (src/client/backoff.ts): equal jitter, doubling, capped. */
const retryBaseMs = 500;
const retryMaxMs = 10_000;
/** Closes after which reconnecting by itself would not help (docs/websocket.md, "Closing"). */
const finalCloseCodes = new Set([1000, 1008, 1009]);

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'),
  reconnectNow: $('reconnect-now'),
  login: $('login'),
  loginForm: $('login-form'),
  nickInput: $('nick-input'),
  nickError: $('nick-error'),
  chat: $('chat'),
  views: $('views'),
  joinForm: $('join-form'),
  joinInput: $('join-input'),
  roomList: $('room-list'),
  refreshRooms: $('refresh-rooms'),
  viewTitle: $('view-title'),
  leaveView: $('leave-view'),
  messages: $('messages'),
  composer: $('composer'),
  composerLabel: $('composer-label'),
  composerInput: $('composer-input'),
  members: $('members'),
  membersTitle: $('members-title'),
  announcer: $('announcer'),
};

const state = {
  nick: '',
  socket: undefined,
  /** The server accepted our nick on this socket. */
  welcomed: false,
  /** The user wants to be connected (false before choosing a nick and after quitting). */
  wanted: false,
  attempt: 0,
  retryTimer: undefined,
  maxLineBytes: 4096,
  /** room → { members: Set<string>, entries: Entry[] }, in the order joined. */
  rooms: new Map(),
  /** nick → { entries: Entry[] }: private chats. */
  privates: new Map(),
  /** What the page shows: { kind: 'room' | 'pm', name }. */
  view: undefined,
  /** Rooms being taken back after a reconnect: joining them does not change what the page shows. */
  rejoining: new Set(),
};

// ---- connection -------------------------------------------------------------------------------------

function connect() {
  clearTimeout(state.retryTimer);
  state.retryTimer = undefined;
  if (state.socket !== undefined) return;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/ws`);
  state.socket = socket;
  setStatus('connecting', 'Connecting…');
  socket.addEventListener('open', () => send({ type: 'hello', nick: state.nick }));
  socket.addEventListener('message', (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    handle(message);
  });
  socket.addEventListener('close', (event) => onClose(socket, event));
}

function send(message) {
  if (state.socket?.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
}

function onClose(socket, event) {
  if (state.socket !== socket) return;
  const wasWelcomed = state.welcomed;
  state.socket = undefined;
  state.welcomed = false;
  if (wasWelcomed) noteInAllViews(`Connection lost at ${clock(Date.now())}.`);
  if (!state.wanted || finalCloseCodes.has(event.code)) {
    // The user quit, or the server said why it closed (the error is in the conversation): the user decides.
    state.wanted = false;
    const why = event.code === 1000 ? 'you quit' : event.reason || `code ${event.code}`;
    return setStatus('offline', `Disconnected (${why}).`, true);
  }
  // Back to zero after a session that worked; a server that keeps refusing is retried ever more slowly.
  if (wasWelcomed) state.attempt = 0;
  const delayMs = retryDelayMs(state.attempt++);
  state.retryTimer = setTimeout(connect, delayMs);
  setStatus('offline', `Offline. Reconnecting in ${Math.ceil(delayMs / 1000)} s…`, true);
}

/** Uniform in [ceiling/2, ceiling], ceiling = min(max, base·2^attempt). */
function retryDelayMs(attempt) {
  const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempt, 31));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function setStatus(connection, text, offerReconnect = false) {
  document.body.dataset.connection = connection;
  ui.status.textContent = text;
  ui.reconnectNow.hidden = !offerReconnect;
  const online = connection === 'online';
  for (const control of [
    ui.composerInput,
    ...ui.composer.querySelectorAll('button'),
    ui.joinInput,
    ...ui.joinForm.querySelectorAll('button'),
  ]) {
    control.disabled = !online;
  }
}

// ---- server messages --------------------------------------------------------------------------------

function handle(message) {
  switch (message.type) {
    case 'welcome': {
      state.welcomed = true;
      state.attempt = 0;
      state.nick = message.nick;
      state.maxLineBytes = message.maxLineBytes;
      sessionStorage.setItem('roomcast-nick', message.nick);
      ui.login.hidden = true;
      ui.chat.hidden = false;
      setStatus('online', `Connected as ${message.nick}`);
      // Back after a reconnect: take up the rooms we held (their history fills the gap) and stay in the room shown.
      if (state.rooms.size > 0) noteInAllViews(`Reconnected at ${clock(Date.now())}.`);
      state.rejoining = new Set(state.rooms.keys());
      for (const room of state.rooms.keys()) if (room !== message.room) send({ type: 'join', room });
      send({ type: 'rooms' });
      if (document.activeElement === ui.nickInput || document.activeElement === document.body) ui.composerInput.focus();
      return;
    }
    case 'parted': {
      state.rooms.delete(message.room);
      if (state.view?.kind === 'room' && state.view.name === message.room) {
        const next = message.current ?? state.rooms.keys().next().value;
        show(next === undefined ? undefined : { kind: 'room', name: next });
      } else renderViews();
      return;
    }
    case 'current':
      return show({ kind: 'room', name: message.room });
    case 'nick':
      state.nick = message.nick;
      sessionStorage.setItem('roomcast-nick', message.nick);
      return setStatus('online', `Connected as ${message.nick}`);
    case 'event':
      return onRoomEvent(message);
    case 'history': {
      const room = roomOf(message.room);
      // After a reconnect the batch overlaps what is on screen: keep only what is not shown already.
      const shown = new Set(room.entries.map(entryKey));
      const fresh = message.events.filter((event) => !shown.has(entryKey(event)));
      if (fresh.length === 0) return;
      addEntries({ kind: 'room', name: message.room }, [
        { kind: 'note', text: `Earlier messages of ${message.room}, from its history:`, history: true },
        ...fresh.map((event) => ({ ...event, history: true })),
        { kind: 'note', text: 'End of history; new messages follow.', history: true },
      ]);
      return;
    }
    case 'rooms':
      return renderRoomList(message.rooms);
    case 'members': {
      roomOf(message.room).members = new Set(message.nicks);
      renderViews();
      if (isShown({ kind: 'room', name: message.room })) renderMembers();
      return;
    }
    case 'pm': {
      const peer = message.from === state.nick ? message.to : message.from;
      if (!state.privates.has(peer)) state.privates.set(peer, { entries: [] });
      addEntries({ kind: 'pm', name: peer }, [{ kind: 'say', from: message.from, text: message.text, time: message.time }]);
      if (message.from !== state.nick) announce(`Private message from ${message.from}: ${message.text}`);
      return;
    }
    case 'info':
      return addEntries(
        state.view,
        message.text.split('\n').map((text) => ({ kind: 'note', text })),
      );
    case 'error': {
      if (!state.welcomed) {
        // Our nick was refused: ask again, keeping the connection open for the next hello.
        ui.login.hidden = false;
        ui.chat.hidden = true;
        ui.nickError.textContent = message.message;
        ui.nickInput.focus();
        return setStatus('connecting', 'Choose another nickname');
      }
      addEntries(state.view, [{ kind: 'error', text: message.message, code: message.code }]);
      return announce(message.message);
    }
  }
}

function onRoomEvent(event) {
  const room = roomOf(event.room);
  if (event.kind === 'join' && event.from === state.nick) joined(event.room);
  if (event.kind === 'join') room.members.add(event.from);
  else if (event.kind === 'part' || event.kind === 'quit') room.members.delete(event.from);
  else if (event.kind === 'rename') {
    room.members.delete(event.from);
    room.members.add(event.text);
  }
  addEntries({ kind: 'room', name: event.room }, [event]);
  if (event.kind === 'say' || event.kind === 'me') {
    if (event.from !== state.nick) announce(`${event.from} in ${event.room}: ${event.text}`);
  }
  renderViews();
  if (isShown({ kind: 'room', name: event.room })) renderMembers();
}

/**
 * Our own join event says we are in the room (its history came just before it). Joining makes a room
 * current, as in the line protocol; taking rooms back after a reconnect does not.
 */
function joined(name) {
  if (state.view === undefined || !state.rejoining.delete(name)) show({ kind: 'room', name });
  send({ type: 'who', room: name });
}

const entryKey = (entry) => `${entry.time}|${entry.kind}|${entry.from}|${entry.text}`;

function roomOf(name) {
  let room = state.rooms.get(name);
  if (room === undefined) {
    room = { members: new Set(), entries: [] };
    state.rooms.set(name, room);
  }
  return room;
}

function entriesOf(view) {
  if (view === undefined) return undefined;
  return view.kind === 'room' ? state.rooms.get(view.name)?.entries : state.privates.get(view.name)?.entries;
}

// ---- rendering --------------------------------------------------------------------------------------

const isShown = (view) => state.view !== undefined && state.view.kind === view.kind && state.view.name === view.name;

function addEntries(view, entries) {
  const list = entriesOf(view);
  if (list === undefined) return;
  list.push(...entries);
  const overflow = list.length - maxEntriesPerView;
  if (overflow > 0) list.splice(0, overflow);
  if (!isShown(view)) return renderViews();
  const atBottom = ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight < 40;
  for (const entry of entries) ui.messages.append(entryElement(entry));
  while (ui.messages.childElementCount > maxEntriesPerView) ui.messages.firstElementChild.remove();
  if (atBottom) ui.messages.scrollTop = ui.messages.scrollHeight;
}

function noteInAllViews(text) {
  for (const name of state.rooms.keys()) addEntries({ kind: 'room', name }, [{ kind: 'note', text }]);
}

function entryElement(entry) {
  const item = document.createElement('li');
  item.className = `entry entry-${entry.kind}${entry.history ? ' entry-history' : ''}`;
  if (entry.time !== undefined) {
    const time = document.createElement('time');
    const date = new Date(entry.time);
    time.dateTime = date.toISOString();
    time.title = date.toLocaleString();
    time.textContent = isToday(date) ? clock(entry.time) : `${date.toLocaleDateString()} ${clock(entry.time)}`;
    item.append(time, ' ');
  }
  if (entry.history && entry.kind !== 'note') {
    const mark = document.createElement('span');
    mark.className = 'history-mark';
    mark.textContent = 'history';
    item.append(mark, ' ');
  }
  const nick = (text) => {
    const span = document.createElement('span');
    span.className = 'nick';
    span.textContent = text;
    return span;
  };
  const body = document.createElement('span');
  body.className = 'text';
  switch (entry.kind) {
    case 'say':
      item.append(nick(entry.from), ' ');
      body.textContent = entry.text;
      break;
    case 'me':
      body.textContent = `* ${entry.from} ${entry.text}`;
      break;
    case 'join':
      body.textContent = `${entry.from} joined`;
      break;
    case 'part':
      body.textContent = entry.text === '' ? `${entry.from} left` : `${entry.from} left (${entry.text})`;
      break;
    case 'quit':
      body.textContent = entry.text === '' ? `${entry.from} quit` : `${entry.from} quit (${entry.text})`;
      break;
    case 'rename':
      body.textContent = `${entry.from} is now known as ${entry.text}`;
      break;
    case 'error':
      body.textContent = `Error: ${entry.text}`;
      break;
    default:
      body.textContent = entry.text;
  }
  item.append(body);
  return item;
}

const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function isToday(date) {
  return date.toDateString() === new Date().toDateString();
}

function show(view) {
  state.view = view;
  ui.messages.replaceChildren(...(entriesOf(view) ?? []).map(entryElement));
  ui.messages.scrollTop = ui.messages.scrollHeight;
  const title = view === undefined ? 'No room' : view.kind === 'room' ? `#${view.name}` : `Private chat with ${view.name}`;
  ui.viewTitle.textContent = title;
  ui.composerLabel.textContent = view === undefined ? 'Command' : view.kind === 'room' ? `Message #${view.name}` : `Message ${view.name}`;
  ui.leaveView.hidden = view === undefined;
  ui.leaveView.textContent = view?.kind === 'pm' ? 'Close chat' : `Leave #${view?.name ?? ''}`;
  renderViews();
  renderMembers();
}

function renderViews() {
  const items = [];
  for (const [name, room] of state.rooms) items.push(viewButton({ kind: 'room', name }, `#${name}`, `${room.members.size}`));
  for (const name of state.privates.keys()) items.push(viewButton({ kind: 'pm', name }, `@${name}`, 'private'));
  ui.views.replaceChildren(...items);
}

function viewButton(view, label, detail) {
  const item = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'view-button';
  const name = document.createElement('span');
  name.textContent = label;
  const count = document.createElement('span');
  count.className = 'count';
  count.textContent = detail;
  button.append(name, ' ', count);
  button.setAttribute('aria-label', view.kind === 'room' ? `${label}, ${detail} members` : `Private chat with ${view.name}`);
  if (isShown(view)) button.setAttribute('aria-current', 'true');
  button.addEventListener('click', () => {
    show(view);
    ui.composerInput.focus();
  });
  item.append(button);
  return item;
}

function renderMembers() {
  const view = state.view;
  const nicks =
    view === undefined ? [] : view.kind === 'room' ? [...(state.rooms.get(view.name)?.members ?? [])].sort() : [state.nick, view.name];
  ui.membersTitle.textContent = `Members (${nicks.length})`;
  ui.members.replaceChildren(
    ...nicks.map((nick) => {
      const item = document.createElement('li');
      item.textContent = nick === state.nick ? `${nick} (you)` : nick;
      return item;
    }),
  );
}

function renderRoomList(rooms) {
  ui.roomList.replaceChildren(
    ...rooms.map(({ room, members }) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = `#${room} (${members})`;
      button.setAttribute('aria-label', `Join #${room}, ${members} members`);
      button.addEventListener('click', () => join(room));
      item.append(button);
      return item;
    }),
  );
}

/** Read out one new message; the live region is emptied first so a repeated text is read again. */
function announce(text) {
  ui.announcer.textContent = '';
  requestAnimationFrame(() => {
    ui.announcer.textContent = text;
  });
}

// ---- user actions -----------------------------------------------------------------------------------

function join(room) {
  const name = room.replace(/^#/, '').toLowerCase();
  if (state.rooms.has(name)) return show({ kind: 'room', name });
  send({ type: 'join', room: name });
}

ui.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  state.nick = ui.nickInput.value.trim();
  ui.nickError.textContent = '';
  state.wanted = true;
  if (state.socket?.readyState === WebSocket.OPEN) send({ type: 'hello', nick: state.nick });
  else connect();
});

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.composerInput.value;
  if (text.trim() === '') return;
  if (new TextEncoder().encode(text).length > state.maxLineBytes) {
    addEntries(state.view, [{ kind: 'error', text: `That message is longer than ${state.maxLineBytes} bytes; shorten it.` }]);
    return;
  }
  const view = state.view;
  if (text.startsWith('/') && !text.startsWith('//')) {
    if (/^\/quit\b/i.test(text)) state.wanted = false;
    send({ type: 'command', line: text, ...(view?.kind === 'room' ? { room: view.name } : {}) });
  } else if (view?.kind === 'room') send({ type: 'say', room: view.name, text: text.startsWith('//') ? text.slice(1) : text });
  else if (view?.kind === 'pm') send({ type: 'msg', to: view.name, text: text.startsWith('//') ? text.slice(1) : text });
  ui.composerInput.value = '';
});

ui.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  join(ui.joinInput.value.trim());
  ui.joinInput.value = '';
});

ui.leaveView.addEventListener('click', () => {
  const view = state.view;
  if (view?.kind === 'room') send({ type: 'part', room: view.name });
  else if (view?.kind === 'pm') {
    state.privates.delete(view.name);
    const first = state.rooms.keys().next().value;
    show(first === undefined ? undefined : { kind: 'room', name: first });
  }
});

ui.refreshRooms.addEventListener('click', () => send({ type: 'rooms' }));
ui.reconnectNow.addEventListener('click', () => {
  state.wanted = true;
  connect();
});
// A phone that comes back online need not wait out the backoff.
window.addEventListener('online', () => {
  if (state.wanted && state.socket === undefined) connect();
});

ui.nickInput.value = sessionStorage.getItem('roomcast-nick') ?? '';
setStatus('offline', 'Not connected');
ui.nickInput.focus();
