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

// <button data-locate data-lat-input=ID data-lng-input=ID>: fills two inputs from the phone's
// location (shown only where the browser offers geolocation).
document.querySelectorAll("[data-locate]").forEach(function (button) {
  if (!navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById(button.dataset.latInput).value = pos.coords.latitude.toFixed(6);
      document.getElementById(button.dataset.lngInput).value = pos.coords.longitude.toFixed(6);
      button.textContent = button.dataset.tOk;
    }, function () { button.textContent = button.dataset.tFail; }, { timeout: 15000 });
  });
});
