// The one-key call page (realtime/call.html).
(function () {
  var start = document.getElementById("call-start"), confirmForm = document.getElementById("call-confirm"),
      cancel = document.getElementById("call-cancel"), geo = document.getElementById("call-geo");
  // With JavaScript: the big button first, the confirm step second (a pocket press never calls).
  start.hidden = false; confirmForm.hidden = true; cancel.hidden = false;
  start.addEventListener("click", function () { start.hidden = true; confirmForm.hidden = false; });
  cancel.addEventListener("click", function () { confirmForm.hidden = true; start.hidden = false; });
  geo.addEventListener("change", function () {
    if (!geo.checked || !navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("call-lat").value = p.coords.latitude.toFixed(6);
      document.getElementById("call-lng").value = p.coords.longitude.toFixed(6);
    }, function () { geo.checked = false; }, { timeout: 5000 });
  });
})();
