// ReadyWard's service worker. scripts/build.sh replaces __BUILD_ID__ with a hash of this build's
// /pkg files, so each build gets its own cache and an old bundle never meets a new server.
//
// - Precaches the app shell and the exact /pkg files of this build; never caches /api or /fn.
// - Navigations go to the network; when it fails, the precached data-free shell answers and the
//   app renders on the device (never a page rendered for someone else).
// - A new version waits until the user agrees (the page posts SKIP_WAITING); old caches are
//   deleted when it takes over.
// - A page that loaded while the worker was installing asks to be claimed (CLAIM).
const BUILD_ID = '__BUILD_ID__';
const CACHE = `readyward-${BUILD_ID}`;
const SHELL = '/shell.html';
const PRECACHE = [
  SHELL,
  '/pwa.js',
  '/shell.js',
  '/pkg/readyward.js',
  '/pkg/readyward_bg.wasm',
  // __SPLIT_FILES__ (scripts/build.sh lists the lazy routes' chunks here)
  '/pkg/readyward.css',
  '/manifest.webmanifest',
  '/favicon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith('readyward-') && k !== CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
  // A page that loaded uncontrolled asks to be taken (see pwa.js).
  if (event.data && event.data.type === 'CLAIM') event.waitUntil(self.clients.claim());
  if (event.data && event.data.type === 'BUILD_ID') event.source.postMessage({ type: 'BUILD_ID', id: BUILD_ID });
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/fn/')) return;

  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() => caches.open(CACHE).then((cache) => cache.match(SHELL))),
    );
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(url.pathname)).then((hit) => hit || fetch(request)),
    );
  }
});
