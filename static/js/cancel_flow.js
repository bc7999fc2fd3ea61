// kb cancel flow: record what the page showed, after it has loaded. Serving the page writes
// nothing; it carries a signed token of the route and plan it showed (tickets/selectors/
// cancel_flow.py). This posts the token once (the route was shown) and again with a link's id
// when the visitor follows a self-service link. Without JavaScript nothing is recorded.
(function () {
  "use strict";
  function send(url, data) {
    if (navigator.sendBeacon && navigator.sendBeacon(url, data)) return;
    if (window.fetch) {
      fetch(url, { method: "POST", body: data, keepalive: true, credentials: "same-origin" }).catch(function () {});
    }
  }

  function start() {
    var flow = document.getElementById("cancel-flow");
    var url = flow && flow.getAttribute("data-event-url");
    var token = flow && flow.getAttribute("data-event-token");
    if (!url || !token) return;
    var shown = new URLSearchParams();
    shown.append("token", token);
    send(url, shown);
    flow.addEventListener("click", function (event) {
      var link = event.target.closest("a.plan-link[data-link]");
      if (!link) return;
      var clicked = new URLSearchParams();
      clicked.append("token", token);
      clicked.append("link", link.getAttribute("data-link"));
      send(url, clicked);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
