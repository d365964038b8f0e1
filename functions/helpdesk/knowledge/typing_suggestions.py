"""The help center's only script: on the contact form, articles that may
answer the subject as the person types it.

The page works without it (the form posts as it always did). With it, a pause
in typing (``PAUSE_MS`` after the last key) with at least ``MIN_CHARS``
characters asks the public suggestions route (``agent_api.help_center``:
public articles only, limited per address) and shows the answer as links in
the page's ``aria-live="polite"`` region under the subject. The script is a
file of the site (published with the pages, served from the site's origin),
so the help center's ``script-src 'self'`` admits it and no inline code is
needed; it writes text with ``textContent`` only and links only paths of this
site. Its words come from the page (``data-`` attributes), in its language.
"""

SCRIPT_PATH = "/ayuda/sugerencias.js"  # one for both languages, like the stylesheet
PAUSE_MS = 300
MIN_CHARS = 3

SCRIPT = """"use strict";
(function () {
  var subject = document.getElementById("subject");
  var region = document.getElementById("suggestions");
  if (!subject || !region || !window.fetch) { return; }
  var timer = 0;
  var asked = "";
  function show(found) {
    region.textContent = "";
    if (!found.length) { return; }
    var title = document.createElement("p");
    title.textContent = region.getAttribute("data-title");
    var list = document.createElement("ul");
    list.className = "list";
    found.forEach(function (article) {
      if (typeof article.url !== "string" || article.url.charAt(0) !== "/" || article.url.charAt(1) === "/") {
        return;
      }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = article.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = article.title;
      item.appendChild(link);
      if (article.summary) {
        var summary = document.createElement("span");
        summary.textContent = " · " + article.summary;
        item.appendChild(summary);
      }
      list.appendChild(item);
    });
    region.appendChild(title);
    region.appendChild(list);
  }
  function ask() {
    var text = subject.value.trim();
    if (text === asked) { return; }
    asked = text;
    if (text.length < MIN_CHARS) { show([]); return; }
    var address = region.getAttribute("data-source") + "&q=" + encodeURIComponent(text);
    fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : { suggestions: [] }; })
      .then(function (answer) { if (text === asked) { show(answer.suggestions || []); } })
      .catch(function () { /* no suggestions: the form works as without the script */ });
  }
  subject.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, PAUSE_MS);
  });
  if (subject.value) { ask(); }  // a form shown again after a refusal keeps its subject
})();
""".replace("PAUSE_MS", str(PAUSE_MS)).replace("MIN_CHARS", str(MIN_CHARS))
