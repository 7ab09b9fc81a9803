// Small behaviours of the staff pages, kept out of the HTML so the Content Security Policy
// can forbid inline script: a <select data-autosubmit> submits its form when changed.
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("[data-autosubmit]") && e.target.form) e.target.form.submit();
});

// The staff bar's waiting counts (core/navigation.py): asked for once the page has loaded and
// every two minutes, and swapped into the bar out of band, so no page waits for them.
(function () {
  var source = document.querySelector("[data-nav-counts]");
  if (!source || !window.htmx) return;
  var load = function () {
    window.htmx.ajax("GET", source.getAttribute("data-nav-counts"), { target: source, swap: "none" });
  };
  load();
  window.setInterval(load, 120000);
})();
