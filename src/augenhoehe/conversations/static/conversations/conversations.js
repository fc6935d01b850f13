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

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  // The crisis safety net's private card when the second opinion flags the request text
  // after the page was rendered (the rules' card comes with the page itself).
  function showSupport(data) {
    if (document.querySelector(".crisis-support")) { return; }
    var box = el("section", "card crisis-support");
    box.setAttribute("role", "region");
    box.setAttribute("aria-labelledby", "support-card-title");
    box.setAttribute("data-level", String(data.level || ""));
    var title = el("h2", null, data.title);
    title.id = "support-card-title";
    box.appendChild(title);
    if (data.text) { box.appendChild(el("p", null, data.text)); }
    var list = el("ul", "resources");
    var resources = data.resources || [];
    for (var i = 0; i < resources.length; i++) {
      var r = resources[i] || {};
      var item = el("li", "resource");
      item.appendChild(el("span", "resource-name", r.name));
      var tel = String(r.tel || "");
      if (/^tel:[0-9+]+$/.test(tel)) {
        var call = el("a", "phone", r.phone);
        call.href = tel;
        item.appendChild(call);
      }
      item.appendChild(el("span", "hours", (r.hours || "") + " · " + (r.country || "")));
      list.appendChild(item);
    }
    box.appendChild(list);
    var actions = el("p", "actions");
    var links = data.actions || [];
    for (var j = 0; j < links.length; j++) {
      var url = String((links[j] || {}).url || "");
      if (!/^\/(?!\/)/.test(url)) { continue; }
      var a = el("a", j === 0 ? "button primary" : "button", links[j].label);
      a.href = url;
      actions.appendChild(a);
      actions.appendChild(document.createTextNode(" "));
    }
    box.appendChild(actions);
    if (/^\/(?!\/)/.test(String(data.why_url || ""))) {
      var why = el("p", "small");
      var link = el("a", null, data.why_label);
      link.href = data.why_url;
      why.appendChild(link);
      box.appendChild(why);
    }
    var heading = document.querySelector("main h1") || waitingEl;
    heading.parentNode.insertBefore(box, heading.nextSibling);
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
