/* Real-time helpers: a WebSocket that reconnects with exponential backoff and polls while it
   is down, a Web Audio beep, and a CSRF-aware POST. Resident text is only ever set with
   textContent, never as HTML. */
(function () {
  "use strict";
  function wsUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  window.gzLive = function (path, opts) {
    var delay = 1000, ws = null, pollTimer = null;
    function state(s) { if (opts.onState) opts.onState(s); }
    function startPoll() {
      if (!pollTimer && opts.poll) { opts.poll(); pollTimer = setInterval(opts.poll, opts.pollEvery || 3000); }
    }
    function stopPoll() { if (pollTimer) { clearInterval(pollTimer); pollTimer = null; } }
    function schedule() {
      var wait = delay * (0.8 + Math.random() * 0.4);
      delay = Math.min(delay * 2, 30000);
      setTimeout(connect, wait);
    }
    function connect() {
      try { ws = new WebSocket(wsUrl(path)); } catch (e) { startPoll(); schedule(); return; }
      ws.onopen = function () {
        delay = 1000; stopPoll(); state("live");
        if (opts.poll) opts.poll(); // catch up on anything missed while disconnected
      };
      ws.onmessage = function (m) {
        var data; try { data = JSON.parse(m.data); } catch (e) { return; }
        opts.onEvent(data);
      };
      ws.onclose = function () { state("down"); startPoll(); schedule(); };
    }
    connect();
    return {
      send: function (obj) {
        if (ws && ws.readyState === 1) { ws.send(JSON.stringify(obj)); return true; }
        return false;
      }
    };
  };

  window.gzBeep = function () {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx(), t = ctx.currentTime;
      [0, 0.5].forEach(function (offset) {
        var osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.type = "square"; osc.frequency.value = 880; gain.gain.value = 0.15;
        osc.connect(gain); gain.connect(ctx.destination);
        osc.start(t + offset); osc.stop(t + offset + 0.3);
      });
    } catch (e) { /* no audio device: the visual alert still shows */ }
  };

  window.gzPost = function (url, data) {
    var root = document.querySelector("[data-csrf]");
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": root ? root.dataset.csrf : "" },
      body: new URLSearchParams(data || {})
    }).then(function (r) { return r.json().then(function (j) { j._status = r.status; return j; }); });
  };

  window.gzGet = function (url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); });
  };
})();
