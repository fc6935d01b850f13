/* Augenhöhe web chat: upgrades the server-rendered chat (chat/_room.html) to a live chat.

   One WebSocket per tab to /ws/ (session cookie), speaking docs/protocol.md:
   - subscribe with after = the highest seq shown, so a gap is replayed exactly once;
   - every send carries a client_id; unacknowledged sends stay in memory and in
     sessionStorage (cleared by the quick exit) and are resent with the same client_id
     after a reconnect or a reload, so nothing is lost and nothing is stored twice;
   - user text is only ever put into the page as text nodes (links are built as elements).
   Plain ES5 for old phones; no inline script or style (CSP). */
(function () {
  "use strict";
  var root = document.querySelector("[data-chat]");
  var stringsEl = document.getElementById("chat-strings");
  if (!root || !stringsEl || !window.WebSocket || !window.JSON) { return; }

  var T = JSON.parse(stringsEl.textContent);
  var ROOM = parseInt(root.getAttribute("data-room"), 10);
  var ME = parseInt(root.getAttribute("data-me"), 10);
  var CAN_MODERATE = root.getAttribute("data-can-moderate") === "1";
  var HIDE_URL = root.getAttribute("data-hide-url") || "";
  var LANG = document.documentElement.lang || "de";
  var STORE_KEY = "augenhoehe.chat.pending." + ROOM;
  var URL_RE = /https?:\/\/[^\s<>"']+/gi;
  var TRAILING = /[.,;:!?)\]}'"]+$/;

  var log = root.querySelector("[data-chat-log]");
  var scroller = root.querySelector("[data-chat-scroll]") || log;
  var statusEl = root.querySelector("[data-chat-status]");
  var announcer = root.querySelector("[data-chat-announce]");
  var supportBox = root.querySelector("[data-chat-support]");
  var form = root.querySelector("[data-chat-composer]");
  var textarea = form.querySelector("textarea");
  var sendButton = form.querySelector("button[type=submit]");

  var lastSeq = 0;            // the highest seq shown
  // the room's change number the page reflects (edits, deletions, hides)
  var lastChange = parseInt(root.getAttribute("data-last-change") || "0", 10) || 0;
  var pending = {};           // client_id -> {client_id, body, failed, error}
  var pendingOrder = [];      // client_ids in the order they were written
  var pendingNodes = {};      // client_id -> <li>
  var ws = null;
  var attempt = 0;
  var reconnectTimer = null;
  var lastFrameAt = 0;
  var subscribed = false;
  var removed = false;
  var wasConnected = false;
  var readTimer = null;
  var lastReadSent = 0;
  var announceQueue = [];
  var announceTimer = null;
  var refocusSeq = null;
  var awaitingSubscribe = false;

  // --- small helpers ----------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  }

  function newClientId() {
    if (window.crypto && window.crypto.getRandomValues) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      var hex = "";
      for (var i = 0; i < bytes.length; i++) { hex += (bytes[i] + 256).toString(16).slice(1); }
      return "web-" + hex;
    }
    return "web-" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function appendLinkified(parent, text) {
    var pos = 0;
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(text)) !== null) {
      var url = match[0].replace(TRAILING, "");
      if (url.length <= 8) { continue; }
      parent.appendChild(document.createTextNode(text.slice(pos, match.index)));
      var link = el("a", null, url);
      link.href = url;
      link.rel = "noopener noreferrer nofollow";
      parent.appendChild(link);
      pos = match.index + url.length;
    }
    parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  function formatTime(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return ""; }
    var text = date.toLocaleTimeString(LANG, { hour: "2-digit", minute: "2-digit" });
    if (date.toDateString() !== new Date().toDateString()) {
      text = date.toLocaleDateString(LANG) + " " + text;
    }
    return text;
  }

  function setStatus(text) { statusEl.textContent = text || ""; }

  /* connecting, connected, reconnecting, offline or removed: for styling and for tests. */
  function setState(state) { root.setAttribute("data-state", state); }

  function offlineText() { return T.reconnecting + " " + T.offline; }

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
  }

  function scrollToBottom() { scroller.scrollTop = scroller.scrollHeight; }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }

  // --- pending sends, kept across reconnects and reloads ------------------------------
  function savePending() {
    var list = [];
    for (var i = 0; i < pendingOrder.length; i++) {
      var item = pending[pendingOrder[i]];
      if (item) { list.push({ client_id: item.client_id, body: item.body }); }
    }
    try {
      if (list.length) { sessionStorage.setItem(STORE_KEY, JSON.stringify(list)); }
      else { sessionStorage.removeItem(STORE_KEY); }
    } catch (e) { /* storage may be blocked: memory still holds them */ }
  }

  function loadPending() {
    var list = [];
    try { list = JSON.parse(sessionStorage.getItem(STORE_KEY) || "[]") || []; } catch (e) { list = []; }
    for (var i = 0; i < list.length; i++) {
      if (list[i] && list[i].client_id && typeof list[i].body === "string") {
        addPending(list[i].client_id, list[i].body);
      }
    }
  }

  function addPending(clientId, body) {
    pending[clientId] = { client_id: clientId, body: body, failed: false, error: "" };
    pendingOrder.push(clientId);
    var node = buildPending(pending[clientId]);
    pendingNodes[clientId] = node;
    log.appendChild(node);
    hideEmptyNote();
  }

  function forgetPending(clientId) {
    delete pending[clientId];
    pendingOrder = pendingOrder.filter(function (id) { return id !== clientId; });
    var node = pendingNodes[clientId];
    delete pendingNodes[clientId];
    savePending();
    return node;
  }

  function buildPending(item) {
    var li = el("li", "msg mine pending" + (item.failed ? " failed" : ""));
    li.setAttribute("data-pending", item.client_id);
    var head = el("p", "msg-head");
    head.appendChild(el("span", "msg-author", T.you));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(el("span", "msg-state", item.failed ? T.failed + " " + (item.error || "") : T.pending));
    li.appendChild(head);
    var body = el("p", "msg-body");
    appendLinkified(body, item.body);
    li.appendChild(body);
    if (item.failed) {
      var tools = el("div", "msg-tools");
      var retry = el("button", "link-button", T.retry);
      retry.type = "button";
      retry.addEventListener("click", function () { item.failed = false; refreshPending(item); sendPending(item.client_id); });
      var discard = el("button", "link-button", T.discard);
      discard.type = "button";
      discard.addEventListener("click", function () {
        var node = forgetPending(item.client_id);
        if (node && node.parentNode) { node.parentNode.removeChild(node); }
        textarea.focus();
      });
      tools.appendChild(retry);
      tools.appendChild(discard);
      li.appendChild(tools);
    }
    return li;
  }

  function refreshPending(item) {
    var old = pendingNodes[item.client_id];
    if (!old) { return; }
    var node = buildPending(item);
    old.parentNode.replaceChild(node, old);
    pendingNodes[item.client_id] = node;
  }

  function sendPending(clientId) {
    var item = pending[clientId];
    if (!item || item.failed || !ws || ws.readyState !== 1) { return; }
    ws.send(JSON.stringify({ type: "send", room: ROOM, client_id: clientId, body: item.body }));
  }

  function flushPending() {
    for (var i = 0; i < pendingOrder.length; i++) { sendPending(pendingOrder[i]); }
  }

  // --- rendering messages -------------------------------------------------------------
  function messageId(seq) { return "msg-" + ROOM + "-" + seq; }

  function buildMessage(msg) {
    var authorId = msg.author ? msg.author.id : null;
    var withheld = msg.deleted || msg.hidden;
    var li = el("li", "msg" + (authorId === ME ? " mine" : "") + (withheld ? " tombstone" : ""));
    li.id = messageId(msg.seq);
    li.setAttribute("data-seq", msg.seq);
    li.setAttribute("data-author", authorId === null ? "" : authorId);
    li.setAttribute("data-deleted", msg.deleted ? "1" : "");
    li.setAttribute("data-hidden", msg.hidden ? "1" : "");
    var head = el("p", "msg-head");
    head.appendChild(el("span", "msg-author", msg.author ? msg.author.pseudonym : T.deleted_account));
    if (msg.author && msg.author.perspective) {
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("span", "msg-perspective perspective-" + msg.author.perspective,
        T.perspectives[msg.author.perspective] || ""));
    }
    head.appendChild(document.createTextNode(" "));
    var time = el("time", null, formatTime(msg.created));
    time.setAttribute("datetime", msg.created);
    head.appendChild(time);
    if (msg.edited && !withheld) {
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("span", "msg-edited", T.edited));
    }
    li.appendChild(head);
    var body;
    if (msg.hidden) { body = el("p", "msg-body msg-tombstone", T.hidden); }
    else if (msg.deleted) { body = el("p", "msg-body msg-tombstone", T.deleted); }
    else { body = el("p", "msg-body"); appendLinkified(body, msg.body); }
    li.appendChild(body);
    addTools(li);
    return li;
  }

  function toolButton(label, handler) {
    var button = el("button", "link-button", label);
    button.type = "button";
    button.addEventListener("click", handler);
    return button;
  }

  /* Edit/delete for one's own messages, hide for facilitators; replaces the no-JS forms. */
  function addTools(li) {
    var old = li.querySelectorAll(".msg-tools");
    for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
    if (li.getAttribute("data-deleted") || li.getAttribute("data-hidden")) { return; }
    var seq = parseInt(li.getAttribute("data-seq"), 10);
    var mine = parseInt(li.getAttribute("data-author"), 10) === ME;
    var tools = el("div", "msg-tools");
    if (mine) {
      tools.appendChild(toolButton(T.edit, function () { startEdit(li, seq); }));
      tools.appendChild(toolButton(T["delete"], function () {
        if (window.confirm(T.confirm_delete)) { frame({ type: "delete", room: ROOM, seq: seq }); }
      }));
    } else if (CAN_MODERATE) {
      tools.appendChild(toolButton(T.hide, function () {
        if (window.confirm(T.confirm_hide)) { hide(seq); }
      }));
    } else {
      return;
    }
    li.appendChild(tools);
  }

  function startEdit(li, seq) {
    var body = li.querySelector(".msg-body");
    var tools = li.querySelector(".msg-tools");
    if (!body || li.querySelector(".msg-edit")) { return; }
    var editor = el("form", "msg-edit");
    var id = "edit-" + ROOM + "-" + seq;
    var label = el("label", "visually-hidden", T.edit_label);
    label.setAttribute("for", id);
    var input = el("textarea");
    input.id = id;
    input.rows = 3;
    input.maxLength = 4000;
    input.value = body.textContent;
    var save = el("button", "primary", T.save);
    save.type = "submit";
    var cancel = el("button", "secondary", T.cancel);
    cancel.type = "button";
    editor.appendChild(label);
    editor.appendChild(input);
    var row = el("div", "actions");
    row.appendChild(save);
    row.appendChild(cancel);
    editor.appendChild(row);
    body.hidden = true;
    if (tools) { tools.hidden = true; }
    li.appendChild(editor);
    input.focus();
    function close() {
      li.removeChild(editor);
      body.hidden = false;
      if (tools) { tools.hidden = false; tools.querySelector("button").focus(); }
    }
    cancel.addEventListener("click", close);
    editor.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim() || input.value === body.textContent) { close(); return; }
      refocusSeq = seq;
      if (frame({ type: "edit", room: ROOM, seq: seq, body: input.value })) { close(); }
    });
  }

  function hide(seq) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", HIDE_URL.replace("{seq}", String(seq)));
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.onload = function () { if (xhr.status >= 300) { setStatus(T.error); } };
    xhr.onerror = function () { setStatus(T.error); };
    xhr.send("{}");
  }

  function insertSorted(node, seq) {
    var before = log.querySelector("[data-pending]");
    var cursor = before ? before.previousElementSibling : log.lastElementChild;
    while (cursor && parseInt(cursor.getAttribute("data-seq"), 10) > seq) {
      before = cursor;
      cursor = cursor.previousElementSibling;
    }
    log.insertBefore(node, before || null);
  }

  function showMessage(msg) {
    var stick = nearBottom();
    var node = buildMessage(msg);
    var existing = document.getElementById(messageId(msg.seq));
    if (existing) {
      existing.parentNode.replaceChild(node, existing);
    } else {
      var own = msg.author && msg.author.id === ME ? pendingNodes[msg.client_id] : null;
      if (own) {
        forgetPending(msg.client_id);
        own.parentNode.removeChild(own);
      }
      insertSorted(node, msg.seq);
      hideEmptyNote();
    }
    if (msg.seq > lastSeq) { lastSeq = msg.seq; }
    if (stick) { scrollToBottom(); }
    return !existing;
  }

  function showChange(msg) {
    var existing = document.getElementById(messageId(msg.seq));
    if (!existing) { return; }
    var node = buildMessage(msg);
    existing.parentNode.replaceChild(node, existing);
    if (refocusSeq === msg.seq) {
      refocusSeq = null;
      var button = node.querySelector(".msg-tools button");
      if (button) { button.focus(); }
    }
  }

  function hideEmptyNote() {
    var note = root.querySelector("[data-chat-empty]");
    if (note) { note.parentNode.removeChild(note); }
  }

  /* Announce arrivals to screen readers once, briefly, not the whole log. */
  function noteArrival(msg) {
    if (!msg.author || msg.author.id === ME) { return; }
    announceQueue.push(msg.author.pseudonym);
    if (announceTimer) { return; }
    announceTimer = window.setTimeout(function () {
      var names = announceQueue;
      announceQueue = [];
      announceTimer = null;
      announce(names.length === 1 ? fmt(T.new_message_from, { name: names[0] })
        : fmt(T.new_messages, { count: names.length }));
    }, 1200);
  }

  function scheduleRead() {
    if (readTimer || document.visibilityState === "hidden") { return; }
    readTimer = window.setTimeout(function () {
      readTimer = null;
      if (lastSeq > lastReadSent && subscribed && frame({ type: "read", room: ROOM, seq: lastSeq })) {
        lastReadSent = lastSeq;
      }
    }, 1000);
  }

  function showSupport(data) {
    if (!window.AugenhoeheSupportCard) { return; }  // chat/support_card.js
    supportBox.textContent = "";
    var close = el("button", "secondary", T.close);
    close.type = "button";
    close.addEventListener("click", function () { supportBox.textContent = ""; textarea.focus(); });
    var card = window.AugenhoeheSupportCard(data, {
      tag: "aside", className: "support-card", heading: "h3", titleId: "support-title-" + ROOM,
      fallbackTitle: T.support_title, extraAction: close
    });
    supportBox.appendChild(card.node);
    announce(card.title.textContent);
  }

  // --- the socket ---------------------------------------------------------------------
  function frame(data) {
    if (!ws || ws.readyState !== 1) { setStatus(T.reconnecting); return false; }
    ws.send(JSON.stringify(data));
    return true;
  }

  function onFrame(data) {
    lastFrameAt = Date.now();
    if (data.room !== undefined && data.room !== ROOM) { return; }
    switch (data.type) {
      case "subscribed":
        subscribed = true;
        awaitingSubscribe = false;
        flushPending();
        break;
      case "message":
        if (showMessage(data)) { noteArrival(data); }
        scheduleRead();
        break;
      case "message_edited":
      case "message_deleted":
      case "message_hidden":
        showChange(data);
        if (typeof data.change === "number" && data.change > lastChange) { lastChange = data.change; }
        break;
      case "ack":
        onAck(data);
        break;
      case "unsubscribed":
        if (data.reason) { onRemoved(); }
        break;
      case "crisis_support":
        showSupport(data);
        break;
      case "error":
        onError(data);
        break;
      default:
        break;
    }
  }

  function onAck(data) {
    var node = pendingNodes[data.client_id];
    if (!pending[data.client_id]) { return; }
    if (document.getElementById(messageId(data.seq))) {
      forgetPending(data.client_id);  // the message frame came first
      if (node && node.parentNode) { node.parentNode.removeChild(node); }
      return;
    }
    // Committed; the message frame follows and replaces the pending entry.
    delete pending[data.client_id];
    savePending();
  }

  function onError(data) {
    var item = data.client_id ? pending[data.client_id] : null;
    var detail = data.detail || T.error;
    if (data.code === "rate_limited" && data.retry_after) {
      detail = fmt(T.rate_limited, { seconds: data.retry_after });
    }
    if (item) {
      item.failed = true;
      item.error = detail;
      refreshPending(item);
      if (data.code === "rate_limited") {
        window.setTimeout(function () {
          if (pending[item.client_id] && item.failed) { item.failed = false; refreshPending(item); sendPending(item.client_id); }
        }, (data.retry_after || 5) * 1000);
      }
    }
    if (data.code === "not_found" && !item && awaitingSubscribe) { onRemoved(); return; }
    setStatus(detail);
  }

  function onRemoved() {
    removed = true;
    setState("removed");
    setStatus(T.removed);
    textarea.disabled = true;
    sendButton.disabled = true;
    dropSocket();
  }

  function connect() {
    if (removed || ws) { return; }
    window.clearTimeout(reconnectTimer);
    reconnectTimer = null;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try { socket = new WebSocket(scheme + window.location.host + "/ws/"); }
    catch (e) { scheduleReconnect(); return; }
    ws = socket;
    socket.onopen = function () {
      attempt = 0;
      lastFrameAt = Date.now();
      setState("connected");
      if (wasConnected) { setStatus(T.connected); window.setTimeout(clearConnectedStatus, 3000); }
      else { setStatus(""); }
      wasConnected = true;
      awaitingSubscribe = true;
      socket.send(JSON.stringify(
        { type: "subscribe", room: ROOM, after: lastSeq, changes_after: lastChange }));
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data && typeof data === "object") { onFrame(data); }
    };
    socket.onclose = function () {
      if (ws === socket) { ws = null; subscribed = false; scheduleReconnect(); }
    };
    socket.onerror = function () { /* onclose follows */ };
  }

  function clearConnectedStatus() {
    if (statusEl.textContent === T.connected) { setStatus(""); }
  }

  /* Forget the socket at once (offline, a dead connection): a closing handshake may never
     finish, and the reconnect must not wait for it. */
  function dropSocket() {
    var socket = ws;
    ws = null;
    subscribed = false;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onerror = socket.onopen = null;
      try { socket.close(); } catch (e) { /* already closed */ }
    }
  }

  function scheduleReconnect() {
    if (removed || reconnectTimer) { return; }
    setState(navigator.onLine === false ? "offline" : "reconnecting");
    setStatus(navigator.onLine === false ? offlineText() : T.reconnecting);
    var delay = Math.min(30000, 500 * Math.pow(2, attempt));
    attempt += 1;
    delay = delay / 2 + Math.random() * delay / 2;  // jitter: not everybody at once
    reconnectTimer = window.setTimeout(function () { reconnectTimer = null; connect(); }, delay);
  }

  function heartbeat() {
    if (!ws || ws.readyState !== 1) { return; }
    if (Date.now() - lastFrameAt > 45000) {  // no pong for a while: the line is dead
      dropSocket();
      scheduleReconnect();
      return;
    }
    ws.send(JSON.stringify({ type: "ping", ref: "hb" }));
  }

  // --- start --------------------------------------------------------------------------
  var shown = log.querySelectorAll("li[data-seq]");
  for (var i = 0; i < shown.length; i++) {
    var seq = parseInt(shown[i].getAttribute("data-seq"), 10);
    if (seq > lastSeq) { lastSeq = seq; }
    addTools(shown[i]);
  }
  lastReadSent = lastSeq;  // the server marked the rendered page as read
  loadPending();
  scrollToBottom();

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = textarea.value;
    if (!body.trim() || removed) { textarea.focus(); return; }
    var clientId = newClientId();
    addPending(clientId, body);
    savePending();
    textarea.value = "";
    scrollToBottom();
    sendPending(clientId);
    if (!ws) { setStatus(navigator.onLine === false ? offlineText() : T.reconnecting); }
    textarea.focus();
  });
  textarea.addEventListener("keydown", function (event) {
    // Enter sends on a keyboard; Shift+Enter (and Enter on touch keyboards) makes a new line.
    var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !touch) {
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { sendButton.click(); }
    }
  });
  window.addEventListener("offline", function () {
    dropSocket();
    window.clearTimeout(reconnectTimer);
    reconnectTimer = null;
    setState("offline");
    setStatus(offlineText());
  });
  window.addEventListener("online", function () {
    attempt = 0;
    window.clearTimeout(reconnectTimer);
    reconnectTimer = null;
    setState("reconnecting");
    setStatus(T.reconnecting);
    connect();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { scheduleReread(); }
  });
  function scheduleReread() { scheduleRead(); if (!ws && !removed) { connect(); } }
  window.setInterval(heartbeat, 20000);
  root.classList.add("chat-live");
  setState("connecting");
  connect();
}());
