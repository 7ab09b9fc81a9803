// The live room (realtime/live_room.html): questions, likes, host controls, live updates.
(function () {
  var room = document.getElementById("room"), list = document.getElementById("questions");
  var sid = room.dataset.session, last = Number(room.dataset.last);
  var d = room.dataset;
  var T = {answer: d.tAnswer, case: d.tCase, reply: d.tReply, pin: d.tPin, unpin: d.tUnpin, toCase: d.tToCase, ended: d.tEnded, prompt: d.tPrompt, live: d.tLive, down: d.tDown, network: d.tNetwork};
  function f(li, n) { return li.querySelector('[data-f="' + n + '"]'); }
  function btn(act, label, cls) {
    var b = document.createElement("button"); b.type = "button"; b.className = "btn btn-sm " + cls;
    b.dataset.act = act; b.textContent = label; return b;
  }
  function hostButtons(li) {
    var box = f(li, "actions");
    if (room.dataset.host && !box.querySelector('[data-act="answer"]')) {
      box.appendChild(btn("answer", T.reply, "btn-outline-primary"));
      box.appendChild(btn("pin", T.pin, "btn-outline-warning"));
    }
    if (room.dataset.staff && !box.querySelector('[data-act="case"]')) box.appendChild(btn("case", T.toCase, "btn-outline-secondary"));
  }
  function render(q) {
    var li = list.querySelector('[data-q="' + q.id + '"]');
    if (!li) {
      var empty = document.getElementById("no-q"); if (empty) empty.remove();
      li = document.createElement("li"); li.className = "card mb-2"; li.dataset.q = q.id;
      var body = document.createElement("div"); body.className = "card-body p-2"; li.appendChild(body);
      var meta = document.createElement("div"); meta.className = "small text-muted"; body.appendChild(meta);
      ["pin", "author"].forEach(function (n) { var s = document.createElement("span"); s.dataset.f = n; meta.appendChild(s); });
      ["text", "answer", "case", "actions"].forEach(function (n) { var d = document.createElement("div"); d.dataset.f = n; body.appendChild(d); });
      f(li, "answer").className = "text-success"; f(li, "case").className = "small";
      f(li, "actions").className = "d-flex gap-1 flex-wrap mt-1";
      var like = btn("like", "👍 ", "btn-outline-danger"); var n = document.createElement("span"); n.dataset.f = "likes";
      like.appendChild(n); f(li, "actions").appendChild(like);
      list.appendChild(li);
    }
    f(li, "author").textContent = q.author; f(li, "text").textContent = q.text;
    f(li, "likes").textContent = q.likes; f(li, "pin").textContent = q.pinned ? "📌 " : "";
    f(li, "answer").textContent = q.answer ? T.answer + q.answer : "";
    f(li, "case").textContent = q.case ? T.case + " " + q.case : "";
    li.dataset.pinned = q.pinned ? "1" : "";
    li.classList.toggle("border-warning", !!q.pinned);
    if (q.pinned) list.insertBefore(li, list.firstChild);
    hostButtons(li);
  }
  function handle(e) {
    if (e.id && e.id <= last) return;
    if (e.id) last = e.id;
    if (e.question) render(e.question);
    if (e.type === "ended") { document.getElementById("room-state").textContent = T.ended; var a = document.getElementById("ask"); if (a) a.remove(); }
  }
  list.querySelectorAll("[data-q]").forEach(hostButtons);
  gzLive("/ws/live/" + sid + "/", {
    onEvent: handle,
    onState: function (s) { var c = document.getElementById("conn"); c.textContent = T[s]; },
    poll: function () {
      gzGet("/realtime/live/" + sid + "/events/?since=" + last).then(function (j) { (j.events || []).forEach(handle); }).catch(function () {});
    }
  });
  var ask = document.getElementById("ask");
  if (ask) ask.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = document.getElementById("ask-text"), err = document.getElementById("ask-error");
    gzPost(ask.action, { text: text.value }).then(function (j) {
      if (j.error) { err.textContent = j.error; return; }
      err.textContent = ""; text.value = ""; handle({ question: j.question });
    }).catch(function () { err.textContent = T.network; });
  });
  list.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-act]"); if (!b) return;
    var li = b.closest("[data-q]"), id = li.dataset.q, act = b.dataset.act, data = {};
    if (act === "like" && !room.dataset.resident) return;
    if (act === "answer") { var a = window.prompt(T.prompt); if (!a) return; data.answer = a; }
    if (act === "pin") data.pinned = li.dataset.pinned ? "0" : "1";
    gzPost("/realtime/live/q/" + id + "/" + act + "/", data).then(function (j) { if (j.question) render(j.question); else if (j.error) alert(j.error); });
  });
})();
