// Live crisis alerts on the staff alert list. The list itself is persistent (server-side);
// this only announces new or escalated alerts as they arrive over /ws/ (docs/protocol.md).
(function () {
  "use strict";
  var live = document.getElementById("alerts-live");
  if (!live || !("WebSocket" in window)) return;
  var delay = 500;

  function announce(frame) {
    var text = frame.escalated ? live.dataset.escalatedText : live.dataset.newText;
    live.textContent = "";
    var p = document.createElement("span");
    p.textContent = text + " ";
    var a = document.createElement("a");
    a.href = frame.url;
    a.textContent = live.dataset.linkText;
    live.appendChild(p);
    live.appendChild(a);
    live.classList.add("has-news");
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/");
    socket.addEventListener("open", function () { delay = 500; });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame && frame.type === "crisis_alert" && typeof frame.url === "string" &&
          frame.url.charAt(0) === "/") {
        announce(frame);
      }
    });
    socket.addEventListener("close", function () {
      var wait = Math.min(delay, 30000) * (0.8 + Math.random() * 0.4);
      delay = Math.min(delay * 2, 30000);
      window.setTimeout(connect, wait);
    });
  }
  connect();
})();
