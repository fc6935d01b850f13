/* The crisis safety net's private support card (a `crisis_support` frame, docs/protocol.md)
   as DOM nodes, built with textContent only (never HTML). Shared by the chat (chat.js) and
   the one-to-one waiting page (conversations.js). Plain ES5 for old phones. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // options: tag, className, heading, titleId, fallbackTitle, extraAction (a node)
  // returns {node, title}
  window.AugenhoeheSupportCard = function (data, options) {
    var o = options || {};
    var box = el(o.tag || "section", o.className || "card crisis-support");
    if (!o.tag || o.tag === "section") { box.setAttribute("role", "region"); }
    box.setAttribute("data-level", String(data.level || ""));
    var title = el(o.heading || "h2", null, data.title || o.fallbackTitle || "");
    title.id = o.titleId || "support-card-title";
    box.setAttribute("aria-labelledby", title.id);
    box.appendChild(title);
    if (data.text) { box.appendChild(el("p", "support-text", data.text)); }
    var resources = data.resources || [];
    if (resources.length) {
      var list = el("ul", "resources");
      for (var i = 0; i < resources.length; i++) {
        var r = resources[i] || {};
        var item = el("li", "resource");
        if (r.name) { item.appendChild(el("span", "resource-name", r.name)); }
        var number = r.tel || r.phone;
        if (number) {
          var call = el("a", "phone", r.phone || r.tel);
          call.href = "tel:" + String(number).replace(/[^0-9+]/g, "");
          item.appendChild(call);
        }
        if (r.hours) { item.appendChild(el("span", "hours", r.hours)); }
        list.appendChild(item);
      }
      box.appendChild(list);
    }
    var actions = el("p", "actions");
    var links = data.actions || [];
    for (var j = 0; j < links.length; j++) {
      var url = String((links[j] || {}).url || "");
      if (!/^(\/(?!\/)|https?:\/\/|tel:)/i.test(url)) { continue; }
      var link = el("a", j === 0 ? "button primary" : "button", links[j].label || url);
      link.href = url;
      actions.appendChild(link);
      actions.appendChild(document.createTextNode(" "));
    }
    if (o.extraAction) { actions.appendChild(o.extraAction); }
    box.appendChild(actions);
    if (/^\/(?!\/)/.test(String(data.why_url || ""))) {  // "why am I seeing this?"
      var why = el("a", null, data.why_label || data.why_url);
      why.href = data.why_url;
      box.appendChild(el("p", "small")).appendChild(why);
    }
    return {node: box, title: title};
  };
})();
