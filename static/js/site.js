// kb: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Permalinks: highlight the comment a #comment-<id> link points to and move focus there.
  function highlightTarget() {
    var id = window.location.hash.slice(1);
    if (!id || id.indexOf("comment-") !== 0) return;
    var el = document.getElementById(id);
    if (!el) return;
    document.querySelectorAll(".comment.highlight").forEach(function (c) { c.classList.remove("highlight"); });
    el.classList.add("highlight");
    el.setAttribute("tabindex", "-1");
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  }
  window.addEventListener("hashchange", highlightTarget);
  document.addEventListener("DOMContentLoaded", highlightTarget);
})();

// Comment actions menus (<details>): close on Escape or a click elsewhere, like a menu.
(function () {
  "use strict";
  function closeMenus(except) {
    document.querySelectorAll("details.comment-actions[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest ? event.target.closest("details.comment-actions") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.comment-actions[open]");
    if (!open) return;
    open.removeAttribute("open");
    var summary = open.querySelector("summary");
    if (summary) summary.focus();
  });
})();
