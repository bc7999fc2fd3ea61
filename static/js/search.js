// kb search: instant suggestions for every search box, search and result-click logging.
// Progressive enhancement: without this file the search form simply submits to /search/.
// Suggestions follow the ARIA 1.2 combobox + listbox pattern: arrow keys move through the
// options (aria-activedescendant), Enter opens the highlighted one, Escape closes the list.
(function () {
  "use strict";
  var DELAY = 150;
  var counter = 0;

  function setup(input) {
    var url = input.getAttribute("data-suggest-url");
    var form = input.form;
    if (!url || !form) return;
    var id = "search-suggestions-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggestions list-group shadow-sm";
    list.setAttribute("role", "listbox");
    // Words come from the page (data-i18n-*), translated by the server.
    var words = {
      label: input.getAttribute("data-i18n-label") || "Suggested articles",
      one: input.getAttribute("data-i18n-one") || "1 suggestion available. Use the up and down arrows to choose.",
      many: input.getAttribute("data-i18n-many") || "{count} suggestions available. Use the up and down arrows to choose."
    };
    list.setAttribute("aria-label", words.label);
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    form.appendChild(list);
    form.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");

    var timer = null, controller = null, active = -1, items = [], lastQuery = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        var on = i === active;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.classList.toggle("active", on);
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function render(results) {
      items = results;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!results.length) {
        close();
        status.textContent = "";
        return;
      }
      results.forEach(function (result, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.className = "list-group-item list-group-item-action";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = result.title;  // text, never HTML
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep focus in the input until we navigate
          window.location.href = result.url;
        });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = (results.length === 1 ? words.one : words.many).replace("{count}", results.length);
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (q.length < 2) { render([]); return; }
      if (controller) controller.abort();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (data) {
        if (input.value.trim() === q) render(data.results || []);
      }).catch(function () { /* offline or aborted: the form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) {
          if (items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
          else return;
        }
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && !list.hidden && active >= 0 && items[active]) {
        event.preventDefault();
        window.location.href = items[active].url;
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  // Search logging. Serving the page writes nothing: the page carries a signed token of the
  // search it ran, posted here once it has loaded; the answer names the logged search, which
  // result clicks then report (a beacon to /search/click/ with the position). A click before
  // the answer arrives is not reported.
  function logSearch() {
    var body = document.getElementById("search-body");
    var url = body && body.getAttribute("data-search-log-url");
    var token = body && body.getAttribute("data-search-log-token");
    if (!url || !token || !window.fetch) return;
    var data = new URLSearchParams();
    data.append("token", token);
    fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.status === 200 ? response.json() : null; })
      .then(function (answer) { if (answer && answer.log) trackClicks(answer.log); })
      .catch(function () { /* offline: the search simply goes unlogged */ });
  }

  function trackClicks(log) {
    var form = document.getElementById("search-click-form");
    var results = document.querySelector(".search-results");
    if (!form || !results || !navigator.sendBeacon) return;
    form.elements.log.value = log;
    results.setAttribute("data-search-logged", "true");
    results.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-search-position]");
      if (!link) return;
      var data = new FormData(form);
      data.set("position", link.getAttribute("data-search-position"));
      data.set("key", link.getAttribute("data-search-key"));
      navigator.sendBeacon(form.action, data);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(setup);
    logSearch();
  });
})();
