// Keyboard triage in the moderation admin (no inline script: CSP).
// Queue: j/k move the highlighted row, o or Enter open it, n the first open case.
// Case page: n or j the next open case, k the previous, q the queue; c confirm, d dismiss,
// each asking first (y or Enter goes ahead, Escape cancels).
(function () {
  "use strict";

  function typing(event) {
    var target = event.target;
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function setupQueue() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("#result_list tbody tr"));
    if (!rows.length || !document.querySelector("[data-triage-queue]")) return;
    var current = 0;
    function mark(index) {
      rows[current].classList.remove("triage-current");
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows[current].classList.add("triage-current");
      rows[current].scrollIntoView({ block: "nearest" });
    }
    function open(row) {
      var link = row.querySelector("th a, td a[href*='/case/']");
      if (link) window.location.href = link.href;
    }
    mark(0);
    document.querySelector("[data-triage-queue]").dataset.triageReady = "yes";
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j") mark(current + 1);
      else if (event.key === "k") mark(current - 1);
      else if (event.key === "o" || event.key === "Enter") open(rows[current]);
      else if (event.key === "n") {
        var first = rows.filter(function (row) { return row.querySelector(".flag-open"); })[0];
        if (first) open(first);
      } else return;
      event.preventDefault();
    });
  }

  function setupCase() {
    var page = document.querySelector("[data-triage-case]");
    if (!page) return;
    var prompt = page.querySelector("[data-triage-prompt]");
    var question = page.querySelector("[data-triage-question]");
    var pending = null;
    function ask(name, text) {
      var form = page.querySelector("[data-triage-form='" + name + "']");
      if (!form) return;
      pending = form;
      question.textContent = text;
      prompt.hidden = false;
    }
    function cancel() {
      pending = null;
      prompt.hidden = true;
    }
    function go(url) {
      if (url) window.location.href = url;
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (pending) {
        if (event.key === "y" || event.key === "Enter") {
          var form = pending;
          cancel();
          if (form.requestSubmit) form.requestSubmit();
          else form.submit();
        } else if (event.key === "Escape" || event.key === "n") cancel();
        else return;
        event.preventDefault();
        return;
      }
      if (event.key === "n" || event.key === "j") go(page.dataset.nextUrl || page.dataset.queueUrl);
      else if (event.key === "k") go(page.dataset.previousUrl);
      else if (event.key === "q") go(page.dataset.queueUrl);
      else if (event.key === "c") ask("confirm", "Confirm case " + page.dataset.triageCase + " and give ONE strike citing its messages?");
      else if (event.key === "d") ask("dismiss", "Dismiss case " + page.dataset.triageCase + " as not contact?");
      else return;
      event.preventDefault();
    });
    page.dataset.triageReady = "yes"; // the keys work from here (tests wait for it)
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupQueue();
    setupCase();
  });
})();
