// The staff call console (realtime/staff_console.html).
(function () {
  var list = document.getElementById("calls"), conn = document.getElementById("conn");
  var pollUrl = document.getElementById("console").dataset.poll, polling = false;
  var d = document.getElementById("console").dataset;
  var T = {title: d.tTitle, ack: d.tAck, acked: d.tAcked, escalated: d.tEscalated, callback: d.tCallback, cancelled: d.tCancelled, live: d.tLive, down: d.tDown};
  function field(li, name) { return li.querySelector('[data-f="' + name + '"]'); }
  function find(id) { return list.querySelector('[data-call="' + id + '"]'); }
  function card(d) {
    var li = find(d.call);
    if (li) return li;
    var empty = document.getElementById("no-calls"); if (empty) empty.remove();
    li = document.createElement("li"); li.className = "card mb-2 border-danger"; li.dataset.call = d.call; li.dataset.level = 0; li.dataset.case = d.case;
    var body = document.createElement("div"); body.className = "card-body p-2"; li.appendChild(body);
    ["title", "unit", "who", "status"].forEach(function (n) {
      var div = document.createElement("div"); div.dataset.f = n; body.appendChild(div);
    });
    field(li, "title").className = "fw-bold text-danger";
    field(li, "who").className = "small text-muted";
    field(li, "title").textContent = T.title + " " + d.case;
    field(li, "unit").textContent = d.unit + (d.house ? " · " + d.house : "") + (d.lat != null ? " (" + d.lat + ", " + d.lng + ")" : "");
    field(li, "who").textContent = d.who + " · " + new Date(d.at).toLocaleTimeString();
    var btn = document.createElement("button"); btn.type = "button"; btn.className = "btn btn-danger btn-sm mt-1";
    btn.dataset.ack = ""; btn.textContent = T.ack; body.appendChild(btn);
    list.insertBefore(li, list.firstChild);
    return li;
  }
  function acked(d) {
    var li = card(d);
    li.dataset.acked = "";
    li.classList.remove("border-danger");
    field(li, "status").textContent = T.acked.replace("%(name)s", d.acked_by);
    li.querySelector("[data-ack]").hidden = true;
    if (mine[d.call] && !li.querySelector("[data-callback]")) callbackForm(li);
  }
  function cancelled(d) {
    var li = card(d);
    li.classList.remove("border-danger");
    field(li, "status").textContent = T.cancelled;
  }
  // The one who answered may call the resident back (an audited reveal on the case).
  var mine = {}, csrf = document.getElementById("console").dataset.csrf;
  function callbackForm(li) {
    var form = document.createElement("form"); form.method = "post"; form.className = "d-inline";
    form.action = "/cases/" + encodeURIComponent(li.dataset.case) + "/callback/"; form.dataset.callback = "";
    var token = document.createElement("input"); token.type = "hidden"; token.name = "csrfmiddlewaretoken"; token.value = csrf;
    var btn = document.createElement("button"); btn.className = "btn btn-success btn-sm mt-1"; btn.textContent = "☎ " + T.callback;
    form.appendChild(token); form.appendChild(btn); li.querySelector(".card-body").appendChild(form);
  }
  function alertStaff(d) {
    gzBeep();
    if ("Notification" in window && Notification.permission === "granted") {
      try { new Notification(T.title + " " + d.case, { body: d.unit, tag: "call-" + d.call, requireInteraction: true }); } catch (e) {}
    }
  }
  var live = gzLive("/ws/staff/", {
    onState: function (s) { conn.textContent = T[s]; conn.className = "badge " + (s === "live" ? "text-bg-success" : "text-bg-warning"); },
    onEvent: show,
    poll: poll
  });
  // Socket and polling both land here, so a call delivered by both shows and alerts once.
  function show(d) {
    if (d.type === "cancelled" || d.cancelled) { cancelled(d); return; }
    if (d.type === "ack" || d.type === "acked" || d.acked_by) { acked(d); return; }
    if (d.type !== "call" && d.type !== "escalated") return;
    var fresh = !find(d.call), li = card(d);
    if (li.dataset.acked !== undefined) return;
    var known = Number(li.dataset.level || 0);
    var level = d.level != null ? d.level : (d.type === "escalated" ? known + 1 : known);
    var escalated = level > known;
    if (escalated) { li.dataset.level = level; field(li, "status").textContent = T.escalated; }
    if (fresh || escalated) alertStaff(d);
  }
  // Ask from the oldest call still waiting for an ack, so acks and escalations made while
  // the socket was down reach us too; with none waiting, only newer calls matter.
  function since() {
    var waiting = 0, newest = 0;
    list.querySelectorAll("[data-call]").forEach(function (li) {
      var id = Number(li.dataset.call);
      newest = Math.max(newest, id);
      if (li.dataset.acked === undefined) waiting = waiting ? Math.min(waiting, id) : id;
    });
    return waiting ? waiting - 1 : newest;
  }
  function poll() {
    if (polling) return;
    polling = true;
    gzGet(pollUrl + "?since=" + since())
      .then(function (j) { (j.calls || []).forEach(show); })
      .catch(function () { /* signed out or offline: try again on the next tick */ })
      .then(function () { polling = false; });
  }
  list.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-ack]"); if (!btn) return;
    var id = Number(btn.closest("[data-call]").dataset.call);
    btn.disabled = true;
    mine[id] = true;
    if (!live.send({ type: "ack", call: id })) {
      gzPost("/realtime/call/" + id + "/ack/").then(function (j) { if (j.acked_by) acked({ call: id, acked_by: j.acked_by }); else btn.disabled = false; });
    }
  });
  document.getElementById("enable-alerts").addEventListener("click", function () {
    gzBeep();
    if ("Notification" in window) Notification.requestPermission();
  });
})();
