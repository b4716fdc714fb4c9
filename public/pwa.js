// Registers the service worker and, when a new version has been downloaded, asks the user
// before switching to it: the update never happens in the middle of someone's work unasked.
(function () {
  if (!('serviceWorker' in navigator)) return;

  // Never in the middle of an inspection: the offer waits until the user leaves it.
  function inspecting() {
    return /^\/inspections\//.test(window.location.pathname);
  }

  function offerUpdate(worker) {
    if (document.getElementById('update-banner')) return;
    if (inspecting()) {
      setTimeout(function () { offerUpdate(worker); }, 5000);
      return;
    }
    var banner = document.createElement('div');
    banner.id = 'update-banner';
    banner.className = 'update-banner';
    banner.setAttribute('role', 'region');
    banner.setAttribute('aria-label', 'Update');
    var text = document.createElement('p');
    text.textContent = 'A new version of ReadyWard is ready. Your saved work is kept when you update.';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button';
    button.textContent = 'Update now';
    button.addEventListener('click', function () {
      button.disabled = true;
      button.textContent = 'Updating…';
      worker.postMessage({ type: 'SKIP_WAITING' });
    });
    banner.appendChild(text);
    banner.appendChild(button);
    document.body.insertBefore(banner, document.body.firstChild);
  }

  var reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', function () {
    // Only reload when this page asked for the update (a first install just takes control).
    if (reloading || !document.getElementById('update-banner')) return;
    reloading = true;
    window.location.reload();
  });

  window.addEventListener('load', function () {
    navigator.serviceWorker.ready.then(function (registration) {
      // A page whose navigation began while the worker was still installing is not
      // controlled, and the worker's claim on activation can come before the page exists:
      // ask the active worker to take this page too, so it works offline from now on.
      if (!navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage({ type: 'CLAIM' });
      }
    });
    navigator.serviceWorker.register('/sw.js').then(function (registration) {
      if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
      registration.addEventListener('updatefound', function () {
        var installing = registration.installing;
        if (!installing) return;
        installing.addEventListener('statechange', function () {
          if (installing.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(installing);
        });
      });
    });
  });
})();
