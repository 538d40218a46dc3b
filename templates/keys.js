// Keyboard shortcuts of the review pages. Served by gongkai itself (/static/keys.js): the pages'
// Content-Security-Policy allows this server's scripts only, never inline ones.
//   c  confirm the finding (its 确认 / 属实 / 已核查 button)
//   a  go to the adjusted points        r  go to the reason for rejecting
//   n  the next open finding            j / k  next / previous finding in a list (Enter opens)
//   x  tick the focused row of a list   Esc  leave a text field
(function () {
  "use strict";
  function typing(t) {
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("a.finding-link"));
  }
  function move(step) {
    var list = rows();
    if (!list.length) return;
    var i = list.indexOf(document.activeElement);
    var next = list[Math.min(list.length - 1, Math.max(0, i < 0 ? 0 : i + step))];
    next.focus();
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    var el = null;
    switch (e.key) {
      case "c":
        el = document.getElementById("confirm");
        if (el) el.click();
        break;
      case "a":
        el = document.getElementById("adjust-points");
        if (el) el.focus();
        break;
      case "r":
        el = document.getElementById("reject-note");
        if (el) el.focus();
        break;
      case "n":
        el = document.querySelector("a[accesskey='n']");
        if (el) window.location.href = el.href;
        break;
      case "j":
        move(1);
        el = true;
        break;
      case "k":
        move(-1);
        el = true;
        break;
      case "x":
        var row = document.activeElement && document.activeElement.closest("tr");
        el = row && row.querySelector("input[type=checkbox]");
        if (el) el.click();
        break;
    }
    if (el) e.preventDefault();
  });
})();
