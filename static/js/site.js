// Small progressive enhancements. Every feature works without this file.
(function () {
  "use strict";

  // After htmx swaps in quiz feedback (or a new flashcard), move focus to it so keyboard and
  // screen-reader users land on the result. Not on first page load.
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (!root || root === document.body) return;
    var target = root.matches && root.matches("[data-autofocus]") ? root : root.querySelector && root.querySelector("[data-autofocus]");
    if (target) target.focus();
  });

  // Glossary popovers open on hover and keyboard focus with CSS alone. On touch screens a
  // first tap opens the popover instead of following the link; a second tap follows it.
  var lastPointer = "mouse";
  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType; }, true);

  function closeTips(except) {
    document.querySelectorAll(".term-ref.is-open").forEach(function (ref) {
      if (ref !== except) ref.classList.remove("is-open");
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.term");
    if (!link) { closeTips(null); return; }
    var ref = link.parentElement;
    if (lastPointer === "touch" && !ref.classList.contains("is-open")) {
      event.preventDefault();
      closeTips(ref);
      ref.classList.add("is-open");
    }
  });

  // Escape dismisses an open popover without moving focus (WCAG 1.4.13).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    closeTips(null);
    var ref = document.activeElement && document.activeElement.closest && document.activeElement.closest(".term-ref");
    if (ref) ref.classList.add("is-dismissed");
  });
  document.addEventListener("focusout", function (event) {
    var ref = event.target.closest && event.target.closest(".term-ref");
    if (ref) ref.classList.remove("is-dismissed");
  });
})();
