// Small progressive enhancements. Every feature works without this file.
(function () {
  "use strict";

  // After htmx swaps in quiz feedback (or a new flashcard), move focus to it so keyboard and
  // screen-reader users land on the result. Not on first page load.
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (!root || root === document.body) return;
    // Parts that arrive without the visitor asking (their progress, on load) keep focus put.
    if (root.hasAttribute && root.hasAttribute("data-quiet")) return;
    var target = root.matches && root.matches("[data-autofocus]") ? root : root.querySelector && root.querySelector("[data-autofocus]");
    // A card sent back with an error: focus its first control, next to the message.
    if (!target && root.querySelector && root.querySelector(".form-error")) {
      target = root.querySelector("input:not([type=hidden]), select, textarea");
    }
    // Otherwise, if the swap removed the focused control (a flashcard rating, "mark as
    // complete"), don't drop keyboard users at the top of the page: focus the new control.
    var active = document.activeElement;
    var lost = !active || active === document.body || !active.isConnected;
    if (!target && lost && root.querySelector) {
      target = root.querySelector("button, a[href], input:not([type=hidden]), select, textarea");
    }
    if (target) target.focus();
  });

  // Glossary popovers open on hover and keyboard focus with CSS alone. On touch screens a
  // first tap opens the popover instead of following the link; a second tap follows it.
  var lastPointer = "mouse";
  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType; }, true);

  function termRef(node) {
    return node && node.closest ? node.closest(".term-ref") : null;
  }

  function closeTips(except) {
    document.querySelectorAll(".term-ref.is-open").forEach(function (ref) {
      if (ref !== except) ref.classList.remove("is-open");
    });
  }

  // A popover hangs from the left of its term; near the right edge of the window it hangs
  // from the right instead, so it never runs off screen. (On phones CSS makes it a sheet.)
  function placeTip(ref) {
    var tip = ref && ref.querySelector(".term-tip");
    if (!tip) return;
    ref.classList.remove("tip-flip");
    var box = tip.getBoundingClientRect();
    if (box.width && getComputedStyle(tip).position === "absolute" &&
        box.right > document.documentElement.clientWidth - 8) {
      ref.classList.add("tip-flip");
    }
  }
  document.addEventListener("mouseover", function (event) { placeTip(termRef(event.target)); });
  document.addEventListener("focusin", function (event) { placeTip(termRef(event.target)); });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.term");
    if (!link) { closeTips(null); return; }
    var ref = link.parentElement;
    if (lastPointer === "touch" && !ref.classList.contains("is-open")) {
      event.preventDefault();
      closeTips(ref);
      ref.classList.add("is-open");
      placeTip(ref);
    }
  });

  // Escape dismisses an open popover without moving focus (WCAG 1.4.13).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    closeTips(null);
    var refs = Array.prototype.slice.call(document.querySelectorAll(".term-ref:hover"));
    refs.push(termRef(document.activeElement));
    refs.forEach(function (ref) { if (ref) ref.classList.add("is-dismissed"); });
  });
  document.addEventListener("focusout", function (event) {
    var ref = termRef(event.target);
    if (ref) ref.classList.remove("is-dismissed");
  });
  // Hover-opened popovers must be dismissible too: Escape hides them until the pointer leaves.
  document.addEventListener("mouseout", function (event) {
    var ref = termRef(event.target);
    if (ref && !ref.contains(event.relatedTarget) && document.activeElement !== ref.querySelector("a.term")) {
      ref.classList.remove("is-dismissed");
    }
  });
  // Reading position, for "Continue: lesson 3, Receptors" on the home page. The lesson's
  // private part holds a small form (with its CSRF token) that htmx posts when it loads; here
  // we post it again, with the heading's id, when a new heading scrolls past the upper part
  // of the window. Visitors with no session never get the form, so nothing is sent for them.
  var reading = null;
  function lastHeadingReached() {
    var reached = "";
    var line = window.innerHeight * 0.4;
    document.querySelectorAll(".lesson-body h2[id], .lesson-body h3[id]").forEach(function (heading) {
      if (heading.getBoundingClientRect().top < line) reached = heading.id;
    });
    return reached;
  }
  function watchReading() {
    var form = document.querySelector("form[data-reading]");
    if (!form || !window.htmx) return;
    var first = reading === null;
    reading = { form: form, input: form.querySelector("input[name=section]"), last: "", queued: false };
    if (!first) return;
    window.addEventListener("scroll", function () {
      if (reading.queued || !reading.form.isConnected) return;
      reading.queued = true;
      window.requestAnimationFrame(function () {
        reading.queued = false;
        var id = lastHeadingReached();
        if (id && id !== reading.last) {
          reading.last = id;
          reading.input.value = id;
          htmx.trigger(reading.form, "reached"); // htmx waits a second for the reader to settle
        }
      });
    }, { passive: true });
  }
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (root && root.querySelector && root.querySelector("form[data-reading]")) watchReading();
  });
  watchReading(); // logged in: the form is in the page itself
  // Public pages are the same bytes for every visitor who is not logged in (so any cache may
  // keep them); a visitor's own parts come from small private fragments. The has_session
  // cookie (not a secret: it only says "this browser has a session") tells us whether there
  // is anything personal to fetch: marked complete, where you left off.
  function hasSession() {
    return /(^|; )has_session=[^;]/.test(document.cookie);
  }
  if (window.htmx && hasSession()) {
    document.querySelectorAll("[data-personal]").forEach(function (slot) {
      htmx.ajax("GET", slot.getAttribute("data-personal"), { target: slot, swap: "outerHTML" });
    });
  }
  // A visitor without a session who clicks "Mark this lesson complete" on a public page: fetch
  // the form (with its CSRF token) in place of the link and send it, as one click would.
  // Without JavaScript the link opens the private page that holds the form.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-personal-submit]");
    if (!link || !window.htmx) return;
    var slot = link.closest("[data-personal]");
    if (!slot) return;
    event.preventDefault();
    var id = slot.id;
    // "?then=submit": the form alone, without the end-of-lesson tracker that would post too.
    htmx.ajax("GET", slot.getAttribute("data-personal") + "?then=submit", { target: slot, swap: "outerHTML" })
      .then(function () {
        var control = document.getElementById(id);
        var form = control && control.querySelector("form");
        if (!form) return;
        htmx.process(control); // at once, not after the settle delay: htmx sends the form
        form.requestSubmit();
      });
  });
})();
