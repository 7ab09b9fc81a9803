/* 金泉之窗 client: big-font toggle, service worker, and the post form (photos compressed in
   the browser, sent with fetch, retried with the SAME idempotency key on network failure). */
(function () {
  "use strict";

  // Big-font mode: remembered in localStorage and in a cookie so the server renders it too.
  function setBig(on) {
    document.documentElement.classList.toggle("bigfont", on);
    try { localStorage.setItem("portal_bigfont", on ? "1" : "0"); } catch (e) { /* private mode */ }
    document.cookie = "portal_bigfont=" + (on ? "1" : "0") + "; path=/; max-age=31536000; samesite=lax";
    document.querySelectorAll("[data-bigfont]").forEach(function (b) { b.setAttribute("aria-pressed", on ? "true" : "false"); });
  }
  try {
    var saved = localStorage.getItem("portal_bigfont");
    if (saved !== null && (saved === "1") !== document.documentElement.classList.contains("bigfont")) setBig(saved === "1");
  } catch (e) { /* ignore */ }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-bigfont]");
    if (b) setBig(!document.documentElement.classList.contains("bigfont"));
    if (ev.target.closest("[data-reload]")) location.reload();  // the offline page's retry button
  });

  // Messages come translated from the page (data-t-* on <body>); "%s" takes the one value.
  function t(key, value) {
    var text = document.body.dataset["t" + key.charAt(0).toUpperCase() + key.slice(1)] || key;
    return value === undefined ? text : text.replace("%s", value);
  }

  document.addEventListener("click", function (ev) {
    if (ev.target.closest("[data-reload]")) location.reload();
  });

  if ("serviceWorker" in navigator && document.body.dataset.sw) {
    navigator.serviceWorker.register(document.body.dataset.sw, { scope: "/" }).catch(function () {});
  }

  // Kiosk mode (自助终端): after data-kiosk-idle seconds without input the reset form is
  // posted, which signs the visitor out and returns to the start screen; a warning with a
  // countdown shows first. While someone is active a heartbeat keeps the server-side
  // sign-in alive (the server drops it after the same idle time without requests).
  var kioskIdle = parseInt(document.body.dataset.kioskIdle || "", 10);
  var kioskReset = document.querySelector("form[data-kiosk-reset]");
  if (kioskIdle > 0 && kioskReset) {
    var lastInput = Date.now(), lastPing = lastInput, warning = null, leaving = false;
    var warnAt = Math.min(10, Math.floor(kioskIdle / 3));
    var onInput = function () {
      lastInput = Date.now();
      if (warning) { warning.remove(); warning = null; }
      var ping = document.body.dataset.kioskPing;
      if (ping && lastInput - lastPing > kioskIdle * 1000 / 3) {
        lastPing = lastInput;
        fetch(ping, { credentials: "same-origin" }).catch(function () {});
      }
    };
    ["pointerdown", "touchstart", "keydown", "input", "scroll", "wheel"].forEach(function (t) {
      document.addEventListener(t, onInput, { capture: true, passive: true });
    });
    setInterval(function () {
      if (leaving) return;
      var left = kioskIdle - (Date.now() - lastInput) / 1000;
      if (left <= 0) { leaving = true; kioskReset.submit(); return; }
      if (left <= warnAt) {
        if (!warning) {
          warning = document.createElement("div");
          warning.className = "kiosk-idle-warning";
          warning.setAttribute("role", "alert");
          warning.setAttribute("data-kiosk-warning", "");
          document.body.appendChild(warning);
        }
        warning.textContent = t("kioskWarn", Math.ceil(left));
      }
    }, 250);
  }

  var MAX_SIDE = 1600, QUALITY = 0.8, MAX_PHOTOS = 9;

  function compress(file) {
    // Shrink big photos with a canvas; anything the browser cannot decode goes as is,
    // so the server's content check gives the message.
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return resolve(file);
      var url = URL.createObjectURL(file), img = new Image();
      img.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
        var c = document.createElement("canvas");
        c.width = Math.round(img.width * scale); c.height = Math.round(img.height * scale);
        c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
        URL.revokeObjectURL(url);
        c.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) return resolve(file);
          resolve(new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  var form = document.querySelector("form[data-post-form]");
  if (!form) return;
  var status = form.querySelector("[data-status]");
  var photos = form.querySelector("input[type=file][name=photos]");
  function say(text, kind) { status.textContent = text; status.className = "alert alert-" + kind; status.hidden = !text; }

  var geo = form.querySelector("[data-geo]");
  if (geo && navigator.geolocation) {
    geo.hidden = false;
    geo.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.lat.value = pos.coords.latitude.toFixed(6);
        form.elements.lng.value = pos.coords.longitude.toFixed(6);
        form.elements.lat.dispatchEvent(new Event("change"));  // the map moves its pin
        geo.textContent = t("geoOk");
      }, function () { geo.textContent = t("geoFail"); });
    });
  }

  var text = form.elements.text, suggest = form.querySelector("[data-suggest]");
  if (text && suggest) {
    var timer;
    text.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(suggest.dataset.suggest + "?text=" + encodeURIComponent(text.value))
          .then(function (r) { return r.json(); })
          .then(function (d) {
            if (!d.code) return;
            var sel = form.elements.category;
            if (!sel.dataset.touched) sel.value = d.code;
            suggest.textContent = t("suggest", d.name);
          }).catch(function () {});
      }, 400);
    });
    form.elements.category.addEventListener("change", function () { this.dataset.touched = "1"; });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var files = photos ? Array.prototype.slice.call(photos.files) : [];
    if (files.length > MAX_PHOTOS) { say(t("maxPhotos", MAX_PHOTOS), "danger"); return; }
    var button = form.querySelector("[type=submit]");
    button.disabled = true;
    say(t("sending"), "info");
    Promise.all(files.map(compress)).then(function (small) {
      var data = new FormData(form);
      data.delete("photos");
      small.forEach(function (f) { data.append("photos", f, f.name); });
      return send(data, 0);
    }).then(function (res) {
      if (res.redirect) { window.location.href = res.redirect; return; }
      button.disabled = false;
      say(Object.values(res.errors || {}).join(";") || t("failed"), "danger");
    });
  });

  function send(data, attempt) {
    // The idempotency key is a hidden input rendered once per form: every retry reuses it,
    // so a post whose response was lost is not created twice.
    return fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Portal-Fetch": "1", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
    }).then(function (r) {
      if (r.status >= 500) throw new Error("server " + r.status);
      if (r.status !== 200 && r.status !== 400) {
        return { errors: { http: t("httpFailed", r.status) } };
      }
      return r.json();
    }).catch(function () {
      say(t("retrying", attempt + 1), "warning");
      return sleep(Math.min(8000, 1000 * Math.pow(2, Math.min(attempt, 3)))).then(function () {
        return send(data, attempt + 1);
      });
    });
  }
})();
