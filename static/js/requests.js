// Request form: suggest up to 5 articles as the visitor types the subject.
// Each suggestion carries the same "This answered my question" form the server renders,
// so the deflection is a normal POST (CSRF included) and the page works without JS.
(function () {
  "use strict";
  var box = document.getElementById("request-suggestions");
  var subject = document.getElementById("id_subject");
  var list = document.getElementById("request-suggestion-list");
  var template = document.getElementById("request-suggestion-template");
  var status = document.getElementById("request-suggestions-status");
  var shown = document.getElementById("id_shown");
  if (!box || !subject || !list || !template || !status) return;
  var url = box.getAttribute("data-suggest-url");
  var timer = null;
  var last = "";
  var seen = [];
  // Words come from the page (data-i18n-*), translated by the server.
  var idle = box.getAttribute("data-i18n-idle") || "Start typing a subject to see suggestions.";
  var foundOne = box.getAttribute("data-i18n-one") || "1 article may answer your question.";
  var foundMany = box.getAttribute("data-i18n-many") || "{count} articles may answer your question.";
  var none = box.getAttribute("data-i18n-none") || "No suggestions for this subject yet.";

  function remember(id) {
    if (seen.indexOf(id) === -1 && seen.length < 20) seen.push(id);
    if (shown) shown.value = seen.join(",");
  }

  function render(results, text) {
    list.textContent = "";
    results.forEach(function (item) {
      var node = template.content.cloneNode(true);
      var link = node.querySelector(".request-suggestion-link");
      link.href = item.url;
      link.textContent = item.title;
      // Every button says "This answered my question": the hidden title tells screen-reader
      // users which article each one is for.
      node.querySelector(".request-suggestion-title").textContent = ": " + item.title;
      node.querySelector("input[name=article]").value = item.id;
      node.querySelector("input[name=subject]").value = text;
      node.querySelector("li").setAttribute("data-article-id", item.id);
      list.appendChild(node);
      remember(String(item.id));
    });
    status.textContent = results.length
      ? (results.length === 1 ? foundOne : foundMany).replace("{count}", results.length)
      : none;
  }

  function lookup() {
    var text = subject.value.trim();
    if (text === last) return;
    last = text;
    if (text.length < 2) {
      // Nothing to search for: clear the list and its announcement, or the status would
      // still promise articles that are no longer shown.
      list.textContent = "";
      status.textContent = idle;
      return;
    }
    fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (subject.value.trim() === text) render(data.results || [], text); })
      .catch(function () { /* suggestions are a convenience; the form still works */ });
  }

  subject.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 250);
  });
  list.querySelectorAll("[data-article-id]").forEach(function (li) { remember(li.getAttribute("data-article-id")); });
})();
