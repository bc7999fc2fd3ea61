// kb: office-hours times in the visitor's own time zone. The server already states every
// time in the team's zone; this only adds "that's … your time" when the zones differ.
(function () {
  "use strict";
  // Sentences come from this script's data-i18n-* attributes, translated by the server.
  var script = document.currentScript;
  function words(name, fallback) {
    return (script && script.getAttribute("data-i18n-" + name)) || fallback;
  }
  var visitorZone;
  try {
    visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!visitorZone) return;

  function fmt(date, zone, withDay) {
    var options = { hour: "numeric", minute: "2-digit", timeZone: zone, timeZoneName: "short" };
    if (withDay) options.weekday = "long";
    return new Intl.DateTimeFormat(undefined, options).format(date);
  }

  // Same wall time in both zones at that instant: nothing to add.
  function sameClock(date, zoneA, zoneB) {
    if (!zoneB) return false;
    var a = { hour: "numeric", minute: "2-digit", weekday: "short", timeZone: zoneA };
    var b = { hour: "numeric", minute: "2-digit", weekday: "short", timeZone: zoneB };
    try {
      return new Intl.DateTimeFormat("en-US", a).format(date) === new Intl.DateTimeFormat("en-US", b).format(date);
    } catch (e) {
      return false;
    }
  }

  function teamZoneOf(el) {
    var holder = el.closest("[data-team-zone]");
    return el.getAttribute("data-team-zone") || (holder && holder.getAttribute("data-team-zone")) || "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".local-time[data-utc]").forEach(function (el) {
      var date = new Date(el.getAttribute("data-utc"));
      if (isNaN(date.getTime()) || sameClock(date, visitorZone, teamZoneOf(el))) return;
      var label = el.getAttribute("data-label") || words("that-is", "That is");
      el.textContent = words("local", "{label} {time} in your time zone ({zone}).")
        .replace("{label}", label).replace("{time}", fmt(date, visitorZone, true)).replace("{zone}", visitorZone);
      el.hidden = false;
    });

    document.querySelectorAll("option[data-utc]").forEach(function (option) {
      var date = new Date(option.getAttribute("data-utc"));
      var select = option.closest("select");
      if (isNaN(date.getTime()) || sameClock(date, visitorZone, teamZoneOf(select))) return;
      option.textContent = option.textContent + " " +
        words("your-time", "({time} your time)").replace("{time}", fmt(date, visitorZone, false));
      var note = document.getElementById("slot-local-note");
      if (note && note.hidden) {
        note.textContent = words("note", "Times are shown in our time zone, with yours in brackets ({zone}).")
          .replace("{zone}", visitorZone);
        note.hidden = false;
      }
    });
  });
})();
