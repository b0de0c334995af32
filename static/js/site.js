// Small progressive enhancements. Every feature works without this file.
(function () {
  "use strict";

  // After htmx swaps in quiz feedback (or a new flashcard), move focus to it so keyboard and
  // screen-reader users land on the result. Not on first page load.
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (!root || root === document.body) return;
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
    htmx.ajax("GET", slot.getAttribute("data-personal"), { target: slot, swap: "outerHTML" })
      .then(function () {
        var control = document.getElementById(id);
        var form = control && control.querySelector("form");
        if (!form) return;
        htmx.process(control); // at once, not after the settle delay: htmx sends the form
        form.requestSubmit();
      });
  });
})();
