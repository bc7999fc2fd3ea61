// kb: count this page view after it has loaded, without slowing the page down.
// A page opts in with data-analytics-kind (and data-analytics-id) on <body>; the server
// stores only a daily, salted hash of the visitor (kb/analytics.py), never an address.
(function () {
  "use strict";
  function send() {
    var body = document.body;
    var kind = body.getAttribute("data-analytics-kind");
    var url = body.getAttribute("data-analytics-url");
    if (!kind || !url) return;
    var data = new URLSearchParams();
    data.append("kind", kind);
    var id = body.getAttribute("data-analytics-id");
    if (id) data.append("id", id);
    if (navigator.sendBeacon && navigator.sendBeacon(url, data)) return;
    if (window.fetch) {
      fetch(url, { method: "POST", body: data, keepalive: true, credentials: "same-origin" }).catch(function () {});
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", send);
  } else {
    send();
  }
})();
