// Small behaviours of the staff pages, kept out of the HTML so the Content Security Policy
// can forbid inline script: a <select data-autosubmit> submits its form when changed.
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("[data-autosubmit]") && e.target.form) e.target.form.submit();
});
