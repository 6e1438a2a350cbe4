// Klinik Inovasi: keyboard shortcuts of the review pages (loaded only there).
// An element with data-shortcut="v" (or "n j") answers those keys: a field gets the focus, a
// link or button is clicked. Without this file every action is an ordinary link or form.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) {
      return false;
    }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function find(key) {
    var nodes = document.querySelectorAll("[data-shortcut]");
    for (var i = 0; i < nodes.length; i += 1) {
      if (nodes[i].getAttribute("data-shortcut").split(/\s+/).indexOf(key) !== -1) {
        return nodes[i];
      }
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey ||
        event.altKey || typing(event.target)) {
      return;
    }
    var target = find((event.key || "").toLowerCase());
    if (!target) {
      return;
    }
    event.preventDefault();
    if (typing(target)) {
      target.scrollIntoView({block: "center"});
      target.focus();
    } else {
      target.click();
    }
  });
}());
