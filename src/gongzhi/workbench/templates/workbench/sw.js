{% autoescape off %}// Workbench service worker (workbench/pwa.py): the field forms open without a signal.
const VERSION = "{{ version }}";
const PAGES = {{ pages }};
const STATIC = {{ static_prefix }};
const LOGIN = {{ login }};

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("gongzhi-workbench-") && k !== VERSION).map((k) => caches.delete(k))
      ))
      .then(() => self.clients.claim())
  );
});

// A page is fetched fresh; a copy of a listed form page is kept for when the network is gone.
// Sent to the sign-in page instead, the worker forgets every page it kept.
function page(request) {
  const path = new URL(request.url).pathname;
  return fetch(request).then((response) => {
    // A navigation's redirect stays opaque here; on a listed form page it means "sign in".
    if (response.type === "opaqueredirect" || (response.redirected && new URL(response.url).pathname === LOGIN)) {
      caches.delete(VERSION);
    } else if (response.ok && !response.redirected && PAGES.includes(path)) {
      const copy = response.clone();
      caches.open(VERSION).then((cache) => cache.put(request, copy));
    }
    return response;
  }).catch(() =>
    caches.open(VERSION).then((cache) =>
      cache.match(request).then((hit) => hit || cache.match(request, { ignoreSearch: true }))
    ).then((hit) => hit || Response.error())
  );
}

// Static files: from the cache when there, refreshed in the background for next time.
function asset(request) {
  return caches.open(VERSION).then((cache) =>
    cache.match(request).then((hit) => {
      const fresh = fetch(request).then((response) => {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      if (hit) { fresh.catch(() => {}); return hit; }
      return fresh;
    })
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") { event.respondWith(page(request)); return; }
  if (url.pathname.startsWith(STATIC)) event.respondWith(asset(request));
});
{% endautoescape %}
