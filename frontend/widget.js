/* Atiende web chat widget: one line on a customer's site,
 *   <script src="https://…/widget.js" data-site="…" data-locale="es|en" async></script>
 * No framework, no fonts, no cookies. Everything lives in a shadow root, so the
 * site's styles and ours never meet. What people type is shown as text, never markup.
 * The visitor's session token stays in this site's localStorage; messages typed
 * offline wait in order in a queue there and are sent on reconnect, each with its
 * own id, so a retry never sends one twice. Replies arrive over the WebSocket API
 * (a "message.added" event makes the widget reload its transcript), or by polling. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.__atiendeChat) return;
  window.__atiendeChat = true;
  var base = new URL(me.src, location.href).origin;
  var site = me.getAttribute("data-site") || "";
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(site)) site = "";  // the help desk knows sites by such names
  var lang = (me.getAttribute("data-locale") || document.documentElement.lang || navigator.language || "es")
    .slice(0, 2).toLowerCase() === "en" ? "en" : "es";
  var T = {
    es: {
      open: "Abrir el chat de ayuda", close: "Cerrar el chat", title: "¿Te ayudamos?",
      hello: "Hola 👋 Escríbenos tu consulta y te respondemos aquí mismo.",
      name: "Tu nombre (opcional)", email: "Tu correo (opcional, para responderte si te vas)",
      message: "Escribe tu mensaje", send: "Enviar", you: "Tú", agent: "Soporte", bot: "Asistente",
      queued: "Sin conexión: se enviará al reconectar", sending: "Enviando…", failed: "No se pudo enviar; reintentando",
      log: "Conversación", launcher: "Chat", yes: "Sí", no: "No", person: "Hablar con una persona",
      answers: "Respuestas", typing: "{name} está escribiendo…"
    },
    en: {
      open: "Open the help chat", close: "Close the chat", title: "Can we help?",
      hello: "Hi 👋 Write your question and we will answer right here.",
      name: "Your name (optional)", email: "Your e-mail (optional, so we can answer if you leave)",
      message: "Write your message", send: "Send", you: "You", agent: "Support", bot: "Assistant",
      queued: "Offline: it will be sent when you reconnect", sending: "Sending…", failed: "Could not send; retrying",
      log: "Conversation", launcher: "Chat", yes: "Yes", no: "No", person: "Talk to a person",
      answers: "Answers", typing: "{name} is typing…"
    }
  }[lang];
  var KEY = "atiende.chat." + base + "." + site;
  var state = load();
  var lines = [];
  var socket = null, socketUrl = state.socket || "", retry = 0, flushing = false, poll = null;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}"); } catch (e) { return {}; }
  }
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: this page only */ }
  }
  function newId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    if (text) node.textContent = text;
    return node;
  }

  var host = el("div", { id: "atiende-chat" });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var css = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font:15px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
    ".launch{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;padding:14px 20px;",
    "background:#0b5cad;color:#fff;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launch:focus-visible,button:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #f5a623;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:min(370px,calc(100vw - 24px));",
    "height:min(540px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;color:#1a1a1a;",
    "border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;justify-content:space-between;background:#0b5cad;color:#fff;padding:10px 14px}",
    "h2{margin:0;font-size:16px;font-weight:600}",
    "header button{background:none;border:0;color:#fff;font-size:22px;cursor:pointer;padding:0 6px}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f4f6f8}",
    ".line{max-width:85%;padding:8px 11px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}",
    ".visitor{align-self:flex-end;background:#0b5cad;color:#fff}",
    ".agent,.bot,.hello{align-self:flex-start;background:#fff;border:1px solid #d5dbe1}",
    ".who{display:block;font-size:12px;opacity:.8}",
    ".note{font-size:12px;color:#5b6470;align-self:flex-end}",
    "form{display:flex;flex-direction:column;gap:6px;padding:10px;border-top:1px solid #d5dbe1}",
    "input,textarea{width:100%;border:1px solid #8a949e;border-radius:6px;padding:7px 9px;color:#1a1a1a;background:#fff}",
    "textarea{resize:none;height:60px}",
    ".row{display:flex;gap:6px}",
    ".send{background:#0b5cad;color:#fff;border:0;border-radius:6px;padding:0 16px;font-weight:600;cursor:pointer}",
    ".line a{color:#0b4f94}",
    ".choices{display:flex;flex-wrap:wrap;gap:6px}",
    ".choice{border:1px solid #0b5cad;background:#fff;color:#0b5cad;border-radius:16px;padding:5px 12px;cursor:pointer}",
    ".typing{margin:0;padding:0 12px;min-height:1.2em;font-size:12px;color:#5b6470}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
  ].join("");
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet();  // a site's CSP "style-src" without 'unsafe-inline' still styles us
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else root.appendChild(el("style", {}, css));

  var launcher = el("button", { type: "button", class: "launch", "aria-label": T.open, "aria-expanded": "false",
    "aria-controls": "atiende-panel" }, T.launcher);
  var panel = el("section", { id: "atiende-panel", class: "panel", role: "dialog", "aria-label": T.title, lang: lang });
  panel.hidden = true;
  var header = el("header");
  var closer = el("button", { type: "button", "aria-label": T.close }, "×");
  header.appendChild(el("h2", {}, T.title));
  header.appendChild(closer);
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": T.log, tabindex: "0" });
  var form = el("form", { novalidate: "" });
  var name = el("input", { type: "text", autocomplete: "name", maxlength: "120", "aria-label": T.name, placeholder: T.name });
  var email = el("input", { type: "email", autocomplete: "email", maxlength: "320", "aria-label": T.email, placeholder: T.email });
  var row = el("div", { class: "row" });
  var box = el("textarea", { maxlength: "2000", "aria-label": T.message, placeholder: T.message, rows: "2" });
  var send = el("button", { type: "submit", class: "send" }, T.send);
  var status = el("p", { class: "sr", role: "status" });
  var typing = el("p", { class: "typing", "aria-live": "polite" });  // a person of the team writing back
  row.appendChild(box);
  row.appendChild(send);
  if (!state.visitor) { form.appendChild(name); form.appendChild(email); }
  form.appendChild(row);
  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(form);
  panel.appendChild(status);
  root.appendChild(launcher);
  root.appendChild(panel);

  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { render(); box.focus(); if (state.visitor) refresh(); } else launcher.focus();
  }
  launcher.addEventListener("click", function () { toggle(panel.hidden); });
  closer.addEventListener("click", function () { toggle(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") toggle(false); });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit(); }
  });
  // The team sees the visitor typing: said at most every 3 s, and "stopped" 4 s after the last key
  var typingSaid = 0, typingStop = null;
  function tell(message) {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(message));
  }
  box.addEventListener("input", function () {
    if (Date.now() - typingSaid > 3000) { typingSaid = Date.now(); tell({ action: "typing" }); }
    clearTimeout(typingStop);
    typingStop = setTimeout(function () { typingSaid = 0; tell({ action: "typing", typing: false }); }, 4000);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });

  function withLinks(node, text) {  // help center paths become links; everything stays text
    text.split(/(\/(?:ayuda|help)\/[^\s]+)/).forEach(function (part, i) {
      if (i % 2) {
        var link = el("a", { href: base + part, target: "_blank", rel: "noopener" }, part);
        node.appendChild(link);
      } else if (part) node.appendChild(document.createTextNode(part));
    });
  }

  function choices(node) {  // the assistant asked "¿Te sirvió?"
    var group = el("div", { class: "choices", role: "group", "aria-label": T.answers });
    [T.yes, T.no, T.person].forEach(function (label) {
      var button = el("button", { type: "button", class: "choice" }, label);
      button.addEventListener("click", function () { submit(label); });
      group.appendChild(button);
    });
    node.appendChild(group);
  }

  function submit(said) {
    var text = typeof said === "string" ? said : box.value.trim();
    if (!text) return;
    if (typeof said !== "string") box.value = "";
    state.queue = state.queue || [];
    state.queue.push({ id: newId(), text: text, name: name.value.trim(), email: email.value.trim() });
    save();
    render();
    flush();
  }

  function post(path, body) {
    return fetch(base + path, {
      method: "POST", headers: { "Content-Type": "text/plain;charset=UTF-8" }, body: JSON.stringify(body),
      mode: "cors", credentials: "omit"
    }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    });
  }

  function flush() {
    if (flushing || !(state.queue || []).length) return;
    if (navigator.onLine === false) { say(T.queued); return; }
    flushing = true;
    var next = state.queue[0];
    var body = { client_message_id: next.id, text: next.text, locale: lang, page: location.href.slice(0, 500) };
    if (state.visitor) body.visitor = state.visitor;
    if (site) body.site = site;
    if (next.name) body.name = next.name;
    if (next.email) body.email = next.email;
    post("/public/chat/messages", body).then(function (answer) {
      flushing = false;
      if (answer.status === 200) {
        var first = !state.visitor;
        state.visitor = answer.data.visitor;
        state.socket = socketUrl = answer.data.socket || "";
        state.queue.shift();
        lines.push({ id: answer.data.message_id, client_message_id: next.id, author: "visitor", text: next.text });
        save();
        retry = 0;
        if (first && name.parentNode) { form.removeChild(name); form.removeChild(email); }
        render();
        listen();
        flush();
      } else if (answer.status === 400 || answer.status === 403) {  // never accepted: drop it, say why
        state.queue.shift();
        save();
        say((answer.data.error && answer.data.error.message && answer.data.error.message[lang]) || T.failed, true);
        render();
        flush();
      } else later(answer.status === 429 ? 5000 : 0);
    }, function () { flushing = false; later(0); });
  }

  function later(least) {
    retry = Math.min(retry + 1, 6);
    say(T.failed);
    setTimeout(flush, Math.max(least, 1000 * Math.pow(2, retry - 1)));
  }

  function say(text, visible) {
    status.textContent = text;
    if (visible) lines.push({ id: newId(), author: "note", text: text });
  }

  function refresh() {
    if (!state.visitor) return;
    post("/public/chat/transcript", site ? { visitor: state.visitor, site: site } : { visitor: state.visitor }).then(function (answer) {
      if (answer.status === 200) {
        var notes = lines.filter(function (l) { return l.author === "note"; });
        lines = answer.data.lines.concat(notes);
        render();
      } else if (answer.status === 404) {  // the conversation was closed: the next message starts another
        lines = [];
        render();
      }
    }, function () { /* offline: the next event or poll tries again */ });
  }

  var here = null, typingShown = null;
  function listen() {
    if (socket || !state.visitor) return;
    if (!socketUrl || !window.WebSocket) { if (!poll) poll = setInterval(refresh, 10000); return; }
    socket = new WebSocket(socketUrl + "?visitor=" + encodeURIComponent(state.visitor) + (site ? "&site=" + encodeURIComponent(site) : ""));
    socket.onopen = function () { retry = 0; refresh(); };
    if (!here) here = setInterval(function () { if (!typingSaid) tell({ action: "ping" }); }, 15000);  // still in the chat
    socket.onmessage = function (e) {
      try {
        var event = JSON.parse(e.data);
        if (event.type === "message.added" || event.type === "message.changed") refresh();
        if (event.type === "typing") {  // cleared by "stopped", or after 30 s if that never comes
          typing.textContent = event.typing ? T.typing.replace("{name}", event.name || T.agent) : "";
          clearTimeout(typingShown);
          if (event.typing) typingShown = setTimeout(function () { typing.textContent = ""; }, 30000);
        }
      } catch (err) { /* not ours */ }
    };
    socket.onclose = function () {
      socket = null;
      setTimeout(listen, 1000 * Math.pow(2, Math.min(retry++, 5)));
    };
  }

  function render() {
    if (panel.hidden) return;
    var shown = {};
    log.textContent = "";
    log.appendChild(el("p", { class: "line hello" }, T.hello));
    lines.forEach(function (line) {
      if (line.client_message_id) shown[line.client_message_id] = true;
      var node = el("p", { class: "line " + line.author });
      if (line.author === "note") { node.className = "note"; node.textContent = line.text; log.appendChild(node); return; }
      var who = line.author === "visitor" ? T.you : line.name || (line.author === "bot" ? T.bot : T.agent);
      node.appendChild(el("span", { class: "who" }, who));
      if (line.author === "visitor") node.appendChild(document.createTextNode(line.text));
      else withLinks(node, line.text);
      log.appendChild(node);
      if (line.ask) choices(log);
    });
    (state.queue || []).forEach(function (waiting) {
      if (shown[waiting.id]) return;
      var node = el("p", { class: "line visitor" });
      node.appendChild(el("span", { class: "who" }, T.you + " · " + (navigator.onLine === false ? T.queued : T.sending)));
      node.appendChild(document.createTextNode(waiting.text));
      log.appendChild(node);
    });
    log.scrollTop = log.scrollHeight;
  }

  window.addEventListener("online", function () { retry = 0; flush(); listen(); });
  function start() {
    document.body.appendChild(host);
    if (state.visitor) { listen(); refresh(); }
    flush();
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
