/* Suggestion panels (intel/_suggest_slot.html, intel/_portal_duplicates_slot.html).
   "采用" on a suggestion panel (intel/_suggest_panel.html): put the suggested category into
   the form's category field — a <select> (the code, else its top-level code) or the radio
   buttons of the field report. Nothing is chosen for the person until they press it. */
(function () {
  "use strict";
  if (window.intelSuggestReady) return;
  window.intelSuggestReady = true;
  // A panel answers bad input with 400 and a message (intel/_panel_error.html): show it.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    if (ev.detail.xhr.status === 400 && ev.detail.target.closest("[data-intel-panel]")) {
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
    }
  });
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest("[data-intel-use]");
    if (!button) return;
    var form = button.closest("form") || document;
    var codes = [button.dataset.intelUse, button.dataset.intelUseTop];
    var select = form.querySelector("select[name=category]");
    if (select) {
      for (var i = 0; i < codes.length; i++) {
        if (select.querySelector('option[value="' + codes[i] + '"]')) {
          select.value = codes[i];
          select.dispatchEvent(new Event("change", { bubbles: true }));
          return;
        }
      }
      return;
    }
    for (var j = 0; j < codes.length; j++) {
      var radio = form.querySelector('input[type=radio][name=category][value="' + codes[j] + '"]');
      if (radio) { radio.checked = true; return; }
    }
  });
})();
