// The console's service worker. It keeps the console's own files (the page, its
// modules, styles and icons), never an API answer: those carry customers' personal
// data. Kept files are served at once and refreshed in the background, so the
// console opens fast on a slow connection and still opens offline (the page then
// says it is offline). A click on a notification opens its ticket.
const CACHE = 'atiende-console-1';
const SHELL = ['/', '/app/console.css', '/app/boot.js', '/vendor/preact-htm.js', '/manifest.webmanifest', '/icons/icon.svg'];

const ownFile = (url) => url.origin === self.location.origin
  && (url.pathname === '/' || url.pathname === '/index.html' || url.pathname === '/manifest.webmanifest'
    || /^\/(app|vendor|icons)\//.test(url.pathname));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  // the API, webhooks and Cognito go straight to the network and are never kept
  if (event.request.method !== 'GET' || !ownFile(url)) return;
  const key = event.request.mode === 'navigate' ? '/' : url.pathname;
  event.respondWith(caches.open(CACHE).then(async (cache) => {
    const kept = await cache.match(key);
    const fresh = fetch(event.request).then((response) => {
      if (response.ok) cache.put(key, response.clone());
      return response;
    });
    if (!kept) return fresh;
    event.waitUntil(fresh.catch(() => undefined));
    return kept;
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const hash = event.notification.data?.hash || '';
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (!open) return self.clients.openWindow(`/${hash}`);
    open.postMessage({ open: hash });
    return open.focus();
  }));
});
