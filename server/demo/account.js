/*
 * Demo "log in": a real shop knows who is signed in and prints identify() data with an HMAC
 * computed by its backend. Here /demo/api/identity plays that backend for the seeded customers.
 */
(function () {
  'use strict';
  var KEY = 'demo-account';
  var select = document.querySelector('[data-demo-account]');
  if (!select) return;

  function identify(customerId) {
    return fetch('/demo/api/identity?customer=' + encodeURIComponent(customerId))
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (payload) { if (payload) window.Mostrador('identify', payload); });
  }

  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { /* private mode */ }
  if (saved) {
    select.value = saved;
    identify(saved);
  }

  select.addEventListener('change', function () {
    var value = select.value;
    try {
      if (value) localStorage.setItem(KEY, value); else localStorage.removeItem(KEY);
    } catch (e) { /* private mode */ }
    // Logging out or switching person: forget the chat visitor, as a shop does at logout.
    window.Mostrador('shutdown');
    location.reload();
  });
})();
