{% autoescape off %}// 金泉之窗 service worker: cache the shell, serve the offline page when the network is gone.
const VERSION = "{{ version }}";
const SHELL = {{ shell }};
const OFFLINE = "{{ offline_url }}";
// Emergency pages kept for offline use: each copy is refreshed whenever it is visited online.
// The public hotline page is fetched at install; the card (the resident's own) only on visit,
// and dropped on sign-out.
const KEEP = {{ keep }};
const PUBLIC_KEEP = {{ public_keep }};
const LOGOUT = "{{ logout_url }}";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(VERSION)
      .then((c) => c.addAll(SHELL).then(() => c.addAll(PUBLIC_KEEP).catch(() => {})))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method === "POST" && url.pathname === LOGOUT) {
    event.waitUntil(caches.open(VERSION).then((c) => Promise.all(KEEP.map((p) => c.delete(p)))));
    return;
  }
  if (req.method !== "GET") return;
  if (req.mode === "navigate" && KEEP.includes(url.pathname)) {
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok && !res.redirected) {
            const copy = res.clone();
            caches.open(VERSION).then((c) => c.put(url.pathname, copy));
          }
          return res;
        })
        .catch(() => caches.match(url.pathname).then((hit) => hit || caches.match(OFFLINE)))
    );
    return;
  }
  if (req.mode === "navigate") {
    // Pages are always fresh from the network; the offline page stands in when it fails.
    event.respondWith(fetch(req).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (SHELL.includes(new URL(req.url).pathname)) {
    event.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
  }
});
{% endautoescape %}
