// The resident's call status page (realtime/call_status.html).
(function () {
  var root = document.querySelector("[data-call]"), callId = Number(root.dataset.call);
  var box = document.getElementById("call-state"), esc = document.getElementById("call-escalated");
  var template = root.dataset.tAcked;
  function show(d) {
    if (d.acked_by) {
      box.className = "alert alert-success fs-5";
      box.textContent = template.replace("%(name)s", d.acked_by);
    }
    if (d.level) esc.hidden = false;
  }
  gzLive("/ws/resident/", {
    onEvent: function (d) { if (d.call === callId) show(d); },
    poll: function () { gzGet(root.dataset.statusUrl).then(show).catch(function () {}); },
    pollEvery: 5000
  });
})();
