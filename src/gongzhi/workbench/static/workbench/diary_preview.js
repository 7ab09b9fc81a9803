// 民情日记: while "向居民公开" is ticked, show what neighbours will read (names, phones and
// ID numbers hidden by the server), so the worker sees the public version before it goes out.
(function () {
  "use strict";
  var box = document.getElementById("diary-preview");
  if (!box) return;
  var form = box.closest("form"), check = document.getElementById("id_public");
  var text = document.getElementById("id_text"), out = box.querySelector("[data-preview-text]");
  var timer = null, seq = 0;

  function refresh() {
    box.hidden = !check.checked;
    if (!check.checked) return;
    var body = new FormData();
    body.append("text", text.value);
    form.querySelectorAll('input[name="residents"]:checked').forEach(function (r) { body.append("residents", r.value); });
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var mine = ++seq;
    fetch(box.dataset.url, { method: "POST", body: body, credentials: "same-origin",
                             headers: { "X-CSRFToken": token ? token.value : "" } })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (mine !== seq) return;
        out.textContent = j.text !== undefined ? j.text : Object.values(j.errors || {}).join(" ");
      })
      .catch(function () { if (mine === seq) out.textContent = box.dataset.offline; });
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 400); }
  check.addEventListener("change", refresh);
  text.addEventListener("input", later);
  form.addEventListener("change", function (e) { if (e.target.name === "residents") later(); });
})();
