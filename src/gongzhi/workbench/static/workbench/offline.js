/* Offline queue of the grid workers' workbench (issue 6).

   Whatever a worker submits on a form marked `data-offline-queue` is saved in this browser
   first (localStorage), then sent with its idempotency key until the server answers. The
   server answers a replay with the first result, so an entry is never duplicated. An entry
   leaves the queue only when the server has accepted it (JSON {ok: true}), so it is never
   lost; a refusal (JSON {ok: false, errors}) keeps it, marked failed with the server's
   message, until the worker edits and resubmits it or discards it.

   One localStorage item per entry ("gongzhi.workbench.q.<user id>.<key>"): two open tabs
   never overwrite each other's entries, and nobody sends another account's entries.

   A field marked data-stamp-now and left empty gets the phone's local time when queued.
   Form attributes: data-offline-queue="<what the entry is called in the list>" and,
   optionally, data-offline-summary="<field shown after that name>". Translated messages
   come from the data-t-* attributes of #wb-queue (templates/workbench/_queue.html).
*/
(function () {
  "use strict";
  var box = document.getElementById("wb-queue");
  if (!box || !window.localStorage || !window.fetch) return;
  var T = box.dataset;
  var ROOT = "gongzhi.workbench.q.";
  var PREFIX = ROOT + T.user + ".";
  var LEGACY = "gongzhi.workbench.queue"; // the former single list; adopted on first load
  var PHOTO_LIMIT = 3 * 1024 * 1024; // photo bytes kept in this browser, all entries together
  var SHRINK_OVER = 400 * 1024; // phone photos above this are re-encoded...
  var MAX_SIDE = 1600; // ...as JPEG at most this many pixels wide or high
  var RETRY_MS = 5000;
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-offline-queue]"));
  // The workbench's own service worker keeps the form pages, so they open without a signal.
  if ("serviceWorker" in navigator && T.sw) {
    navigator.serviceWorker.register(T.sw, { scope: T.swScope }).catch(function () {});
  }

  /* --- storage ------------------------------------------------------------------------ */

  function parse(raw) { try { return JSON.parse(raw); } catch (e) { return null; } }
  function get(key) { return parse(localStorage.getItem(PREFIX + key)); }
  function put(entry) { localStorage.setItem(PREFIX + entry.key, JSON.stringify(entry)); }
  function drop(key) { localStorage.removeItem(PREFIX + key); }
  function tryPut(entry) { try { put(entry); return true; } catch (e) { return false; } }

  function storedKeys() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) keys.push(localStorage.key(i));
    return keys.filter(function (k) { return k && k.indexOf(ROOT) === 0; });
  }
  function entries() {
    return storedKeys()
      .filter(function (k) { return k.indexOf(PREFIX) === 0; })
      .map(function (k) { return parse(localStorage.getItem(k)); })
      .filter(function (e) { return e && e.key && e.url; })
      .sort(function (a, b) { return a.at - b.at; });
  }
  function otherAccounts() {
    return storedKeys().filter(function (k) { return k.indexOf(PREFIX) !== 0; }).length;
  }
  function adoptLegacy() {
    var old = parse(localStorage.getItem(LEGACY));
    if (!Array.isArray(old)) return;
    var kept = old.every(function (x) {
      if (!x || !x.key || get(x.key)) return true;
      return tryPut({
        key: x.key, url: x.url, page: x.url, label: x.label || "", fields: x.fields || {},
        photos: (x.photos || []).map(function (p) { return {field: "photos", name: p.name, data: p.data}; }),
        at: x.at || Date.now(), error: x.error || ""
      });
    });
    if (kept) localStorage.removeItem(LEGACY);
  }

  /* --- photos ------------------------------------------------------------------------- */

  function toBlob(dataUrl) {
    var parts = dataUrl.split(","), bin = atob(parts[1]), arr = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
    return new Blob([arr], {type: parts[0].split(":")[1].split(";")[0]});
  }
  function bytesOf(photos) {
    return (photos || []).reduce(function (s, p) { return s + Math.ceil(p.data.length * 3 / 4); }, 0);
  }
  function storedPhotoBytes(exceptKey) {
    return entries().reduce(function (s, e) { return e.key === exceptKey ? s : s + bytesOf(e.photos); }, 0);
  }
  function dataUrlOf(blob) {
    return new Promise(function (ok, fail) {
      var r = new FileReader();
      r.onload = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
      r.readAsDataURL(blob);
    });
  }
  /* A phone photo is several MB: a big image is re-encoded smaller so that a few fit in
     localStorage. A file that does not decode as an image is kept as it is; the server
     then says why it refuses it. */
  function shrink(file) {
    if (!/^image\//.test(file.type) || file.size <= SHRINK_OVER || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (ok) {
        canvas.toBlob(function (blob) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          ok(blob && blob.size < file.size ? new File([blob], name, {type: "image/jpeg"}) : file);
        }, "image/jpeg", 0.8);
      });
    }).catch(function () { return file; });
  }
  function readPhotos(form) {
    var jobs = [];
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files, function (file) {
        jobs.push(shrink(file).then(function (small) {
          return dataUrlOf(small).then(function (data) {
            return {field: input.name, name: small.name || file.name, data: data};
          });
        }));
      });
    });
    return Promise.all(jobs);
  }

  /* --- the list on the page ----------------------------------------------------------- */

  function node(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text) el.textContent = text;
    return el;
  }
  function note(text) {
    var el = document.getElementById("wb-queue-note");
    el.textContent = text;
    el.hidden = !text;
  }
  function status(text) {
    var el = document.getElementById("wb-queue-status");
    el.textContent = text;
    el.hidden = !text;
  }
  function render() {
    var list = entries();
    document.getElementById("wb-queue-count").textContent = list.length;
    box.hidden = list.length === 0;
    var ul = document.getElementById("wb-queue-list");
    ul.textContent = "";
    list.forEach(function (e) {
      var li = node("li", "list-group-item wb-queued" + (e.error ? " wb-failed list-group-item-danger" : ""));
      li.dataset.key = e.key;
      li.appendChild(node("span", "wb-label", e.label));
      li.appendChild(node("span", "wb-state ms-1", e.error ? T.tFailed + ":" + e.error : T.tWaiting));
      if (e.error) {
        var actions = node("div", "mt-1");
        var edit = node("a", "btn btn-sm btn-outline-primary me-1 wb-edit", T.tEdit);
        edit.href = (e.page || e.url) + "#wb-edit=" + encodeURIComponent(e.key);
        var discard = node("button", "btn btn-sm btn-outline-danger wb-discard", T.tDiscard);
        discard.type = "button";
        discard.addEventListener("click", function () {
          if (window.confirm(T.tConfirmDiscard)) { drop(e.key); render(); }
        });
        actions.appendChild(edit);
        actions.appendChild(discard);
        li.appendChild(actions);
      }
      ul.appendChild(li);
    });
    var others = otherAccounts(), otherNote = document.getElementById("wb-queue-others");
    otherNote.textContent = (T.tOtherAccounts || "").replace("%s", others);
    otherNote.hidden = others === 0;
  }

  /* --- sending ------------------------------------------------------------------------ */

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var el = document.querySelector("[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  function messageOf(data, code) {
    var errors = (data && data.errors) || {};
    return Object.keys(errors).map(function (k) { return errors[k]; }).join(" ") ||
      T.tInvalid + "(" + code + ")";
  }
  /* "sent"; "failed" (refused: kept, marked for the worker); "gone" (another tab sent it);
     "later" (server trouble: kept, retried later); "stop" (offline or signed out: kept, and
     the rest need not be tried now). */
  async function send(entry) {
    if (!get(entry.key)) return "gone";
    var body = new FormData();
    Object.keys(entry.fields).forEach(function (k) {
      entry.fields[k].forEach(function (v) { body.append(k, v); });
    });
    (entry.photos || []).forEach(function (p) { body.append(p.field || "photos", toBlob(p.data), p.name); });
    body.append("idempotency_key", entry.key);
    var resp;
    try {
      resp = await fetch(entry.url, {
        method: "POST", body: body, credentials: "same-origin", redirect: "manual",
        headers: {"Idempotency-Key": entry.key, "X-CSRFToken": csrf(), "Accept": "application/json"}
      });
    } catch (e) {
      return "stop";
    }
    if (resp.type === "opaqueredirect") { status(T.tLogin); return "stop"; } // to the login page
    var data = await resp.json().catch(function () { return null; });
    if (resp.status === 403 && !data) { status(T.tLogin); return "stop"; } // a stale CSRF token
    if (resp.ok && data && data.ok) { drop(entry.key); lastMessage = data.message || ""; return "sent"; }
    if (resp.status >= 400 && resp.status < 500) {
      var current = get(entry.key);
      if (current) { current.error = messageOf(data, resp.status); tryPut(current); }
      return "failed";
    }
    status(T.tRetry);
    return "later";
  }
  var flushing = false, lastMessage = "";
  async function sendAll() {
    if (flushing) return;
    flushing = true;
    var sent = 0;
    try {
      var list = entries().filter(function (e) { return !e.error; });
      if (list.length) status("");
      for (var i = 0; i < list.length; i++) {
        var outcome = await send(list[i]);
        if (outcome === "sent") sent++;
        if (outcome === "stop") break;
      }
    } finally {
      flushing = false;
      render();
      if (sent) note(sent === 1 && lastMessage ? lastMessage : T.tSent.replace("%s", sent));
    }
  }
  /* One tab sends at a time; the server's idempotency makes an overlap harmless anyway. */
  function flush() {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("gongzhi.workbench.queue", {ifAvailable: true}, function (lock) {
        return lock ? sendAll() : null;
      }).catch(function () {});
    }
    return sendAll();
  }

  /* --- forms -------------------------------------------------------------------------- */

  function pathOf(url) {
    var u = new URL(url, location.href);
    return u.pathname + u.search;
  }
  function actionOf(form) { return pathOf(form.getAttribute("action") || location.href); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  function readFields(form) {
    var fields = {};
    new FormData(form).forEach(function (v, k) {
      if (typeof v !== "string" || k === "csrfmiddlewaretoken" || k === "idempotency_key") return;
      (fields[k] = fields[k] || []).push(v);
    });
    return fields;
  }
  function labelOf(form, fields) {
    var field = form.dataset.offlineSummary, summary = field && fields[field] ? fields[field][0] : "";
    return form.dataset.offlineQueue + (summary ? " · " + summary.slice(0, 16) : "");
  }
  function fill(form, fields) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in fields) || el.type === "file") return;
      var values = fields[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) >= 0;
      else el.value = values[0];
    });
  }
  /* Put a stored entry's photos back into the file inputs; where the browser does not allow
     that, they are carried over unless the worker picks new ones. */
  function restorePhotos(form, photos) {
    var carried = [];
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      var mine = (photos || []).filter(function (p) { return (p.field || "photos") === input.name; });
      if (!mine.length) return;
      try {
        var files = new DataTransfer();
        mine.forEach(function (p) { files.items.add(new File([toBlob(p.data)], p.name, {type: toBlob(p.data).type})); });
        input.files = files.files;
      } catch (e) {
        carried = carried.concat(mine);
      }
    });
    return carried;
  }
  function endEdit(form) {
    delete form.dataset.replaces;
    form.carried = [];
    var banner = document.getElementById("wb-editing");
    if (banner) banner.remove();
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  }
  function beginEdit() {
    var m = /^#wb-edit=(.+)$/.exec(location.hash);
    var entry = m && get(decodeURIComponent(m[1]));
    if (!entry) return;
    var form = forms.filter(function (f) { return actionOf(f) === pathOf(entry.url); })[0];
    if (!form) return;
    form.reset();
    fill(form, entry.fields);
    form.carried = restorePhotos(form, entry.photos);
    form.dataset.replaces = entry.key;
    var banner = document.getElementById("wb-editing") || node("div", "alert alert-danger");
    banner.id = "wb-editing";
    banner.setAttribute("role", "alert");
    banner.textContent = T.tEditing + (entry.error || "");
    form.parentNode.insertBefore(banner, form);
    banner.scrollIntoView();
  }
  /* Too big for this browser's storage but online: send the form the ordinary way, still
     with an idempotency key so that a double tap cannot make two records. */
  function submitDirectly(form, key) {
    var input = form.querySelector("input[name=idempotency_key]") || node("input");
    input.type = "hidden";
    input.name = "idempotency_key";
    input.value = key;
    form.appendChild(input);
    if (form.dataset.replaces) drop(form.dataset.replaces);
    HTMLFormElement.prototype.submit.call(form);
  }
  function localNow() {
    var d = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
    return d.toISOString().slice(0, 16);
  }
  async function queue(form) {
    var replaces = form.dataset.replaces || "";
    // A field marked data-stamp-now keeps the time the form was filled in, not the time sent.
    form.querySelectorAll("[data-stamp-now]").forEach(function (el) { if (!el.value) el.value = localNow(); });
    var fields = readFields(form);
    var photos = await readPhotos(form);
    var fresh = photos.map(function (p) { return p.field; });
    photos = photos.concat((form.carried || []).filter(function (p) { return fresh.indexOf(p.field) < 0; }));
    var entry = {
      key: newKey(), url: actionOf(form), page: location.pathname + location.search,
      label: labelOf(form, fields), fields: fields, photos: photos, at: Date.now(), error: ""
    };
    var fits = bytesOf(photos) + storedPhotoBytes(replaces) <= PHOTO_LIMIT;
    if (!fits || !tryPut(entry)) {
      if (navigator.onLine) return submitDirectly(form, entry.key);
      window.alert(fits ? T.tFull : T.tTooBig);
      return;
    }
    if (replaces) { drop(replaces); endEdit(form); }
    form.reset();
    form.querySelectorAll("[data-today]").forEach(function (el) { el.value = el.dataset.today; });
    note(navigator.onLine ? T.tSending : T.tSavedOffline);
    render();
    flush();
  }
  forms.forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (form.dataset.busy) return; // a double tap while the photos are being read
      form.dataset.busy = "1";
      queue(form).catch(function (e) { window.alert(e && e.message ? e.message : T.tInvalid); })
        .then(function () { delete form.dataset.busy; });
    });
  });

  var button = document.getElementById("wb-queue-send");
  if (button) button.addEventListener("click", flush);
  window.addEventListener("online", flush);
  window.addEventListener("hashchange", beginEdit);
  window.addEventListener("storage", function (e) {
    if (!e.key || e.key.indexOf(ROOT) === 0) render();
  });
  setInterval(flush, RETRY_MS);
  adoptLegacy();
  render();
  beginEdit();
  flush();
})();
