// kb: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Permalinks: highlight the comment a #comment-<id> link points to and move focus there.
  // Comments are paginated: a bare #comment-<id> whose comment is on another page goes to
  // /comments/<id>/, which redirects to the right page (once: a missing comment is a 404).
  function findOnAnotherPage(id) {
    var thread = document.querySelector("[data-permalink-prefix]");
    var match = /^comment-(\d+)$/.exec(id);
    if (!thread || !match) return;
    var tried = "kb-permalink-" + match[1];
    try {
      if (window.sessionStorage.getItem(tried)) return;
      window.sessionStorage.setItem(tried, "1");
    } catch (e) { /* storage disabled: the redirect lands on the page holding the comment */ }
    window.location.replace(thread.getAttribute("data-permalink-prefix") + match[1] + "/");
  }
  function highlightTarget() {
    var id = window.location.hash.slice(1);
    if (!id || id.indexOf("comment-") !== 0) return;
    var el = document.getElementById(id);
    if (!el) {
      findOnAnotherPage(id);
      return;
    }
    try { window.sessionStorage.removeItem("kb-permalink-" + id.slice(8)); } catch (e) { /* ignore */ }
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
