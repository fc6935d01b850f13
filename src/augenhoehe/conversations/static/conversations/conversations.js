/* Conversations: the live place in the queue on the waiting page, and on the conversation
   page a reload when the conversation ends or is handed over (the chat itself is chat.js).
   Listens on its own /ws/ socket for the private frames of docs/protocol.md and re-reads
   the state after every (re)connect; without JavaScript the pages work with their refresh
   links. Plain ES5 for old phones. */
(function () {
  "use strict";
  var waitingEl = document.querySelector("[data-waiting]");
  var liveEl = document.querySelector("[data-conversation-live]");
  if ((!waitingEl && !liveEl) || !window.WebSocket || !window.JSON) { return; }
  var retry = 500;

  function estimate(seconds) {
    if (seconds === null || seconds === undefined) { return waitingEl.getAttribute("data-estimate-none"); }
    var minutes = Math.max(1, Math.round(seconds / 60));
    if (minutes === 1) { return waitingEl.getAttribute("data-estimate-one"); }
    return waitingEl.getAttribute("data-estimate-many").replace("%(minutes)s", String(minutes));
  }

  // Once the socket listens, ask for the state once: a frame sent between rendering the page
  // and opening the socket would otherwise be missed.
  function sync() {
    var url = waitingEl
      ? "/api/v1/conversations/requests/" + waitingEl.getAttribute("data-waiting")
      : "/api/v1/conversations/" + liveEl.getAttribute("data-conversation-live");
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.onload = function () {
      var data;
      try { data = JSON.parse(xhr.responseText); } catch (e) { return; }
      if (xhr.status !== 200) { window.location.reload(); return; }
      if (waitingEl && data.conversation) {
        handle({type: "conversation_started", conversation: data.conversation});
      } else if (waitingEl) {
        if (data.support) { showSupport(data.support); }
        handle({type: "queue_update", request: data.id, position: data.position,
                estimated_wait_seconds: data.estimated_wait_seconds, status: data.status});
      } else if (data.status !== "open") {
        window.location.reload();
      }
    };
    xhr.send();
  }

  // The crisis safety net's private card when the second opinion flags the request text
  // after the page was rendered (chat/support_card.js builds it; the rules' card and one
  // flagged before come with the page itself).
  function showSupport(data) {
    if (document.querySelector(".crisis-support") || !window.AugenhoeheSupportCard) { return; }
    var card = window.AugenhoeheSupportCard(data);
    var heading = document.querySelector("main h1") || waitingEl;
    heading.parentNode.insertBefore(card.node, heading.nextSibling);
  }

  function handle(frame) {
    if (frame.type === "hello") { sync(); return; }
    if (waitingEl && frame.type === "crisis_support" && frame.room === null) {
      showSupport(frame);
      return;
    }
    if (waitingEl) {
      if (frame.type === "conversation_started") {
        var url = waitingEl.getAttribute("data-conversation-url");
        window.location.href = url.replace(/\/0\/$/, "/" + frame.conversation + "/");
      } else if (frame.type === "queue_update" &&
                 String(frame.request) === waitingEl.getAttribute("data-waiting")) {
        if (frame.status !== "waiting") { window.location.reload(); return; }
        waitingEl.querySelector("[data-position]").textContent = String(frame.position);
        waitingEl.querySelector("[data-estimate]").textContent = estimate(frame.estimated_wait_seconds);
      }
    } else if ((frame.type === "conversation_ended" || frame.type === "conversation_handed_over") &&
               String(frame.conversation) === liveEl.getAttribute("data-conversation-live")) {
      window.location.reload();
    }
  }

  function connect() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/");
    socket.onopen = function () { retry = 500; };
    socket.onmessage = function (event) {
      try { handle(JSON.parse(event.data)); } catch (e) { /* not for us */ }
    };
    socket.onclose = function () {
      setTimeout(connect, retry + Math.random() * 300);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();
