/*
 * Café La Esquina: the demo shop's cart. Plain script, no build step, no dependencies.
 *
 * The catalogue is read from the product cards in index.html (data-sku, data-price and the
 * product name). The cart is kept in localStorage under `demo-cart` as [{ sku, quantity }];
 * names and prices always come from the catalogue, never from storage. On load and on every
 * change the cart is reported to the chat widget with window.Mostrador('cart', ...), exactly
 * as a merchant's storefront would do it.
 */
(function () {
  'use strict';

  var STORAGE_KEY = 'demo-cart';
  var CURRENCY = 'EUR';
  var MAX_QUANTITY = 99;
  var FREE_SHIPPING_FROM = 3500; // cents

  var money = new Intl.NumberFormat('es-ES', { style: 'currency', currency: CURRENCY });
  function formatPrice(cents) {
    return money.format(cents / 100);
  }

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  // ---- Catalogue ---------------------------------------------------------------------------

  /** @type {Map<string, { sku: string, name: string, price: number, image: string }>} */
  var catalogue = new Map();
  document.querySelectorAll('.product[data-sku]').forEach(function (card) {
    var sku = card.dataset.sku;
    var price = Number(card.dataset.price);
    var nameEl = $('.product-name', card);
    var img = $('img', card);
    if (!sku || !Number.isInteger(price) || price < 0 || !nameEl) return;
    catalogue.set(sku, {
      sku: sku,
      name: nameEl.textContent.trim(),
      price: price,
      image: img ? img.getAttribute('src') : '',
    });
    // Keep the visible price in sync with the data the cart uses.
    var priceEl = $('[data-price-label]', card);
    if (priceEl) priceEl.textContent = formatPrice(price);
  });

  // ---- Cart state --------------------------------------------------------------------------

  /** @type {{ sku: string, quantity: number }[]} */
  var cart = load();

  function clampQuantity(n) {
    return Math.max(0, Math.min(MAX_QUANTITY, Math.floor(n)));
  }

  function sanitize(raw) {
    if (!Array.isArray(raw)) return [];
    var seen = new Set();
    var out = [];
    raw.forEach(function (entry) {
      if (!entry || typeof entry.sku !== 'string' || !catalogue.has(entry.sku) || seen.has(entry.sku)) return;
      var quantity = clampQuantity(Number(entry.quantity));
      if (!quantity) return;
      seen.add(entry.sku);
      out.push({ sku: entry.sku, quantity: quantity });
    });
    return out;
  }

  function load() {
    try {
      return sanitize(JSON.parse(window.localStorage.getItem(STORAGE_KEY) || '[]'));
    } catch (_err) {
      return []; // storage disabled or corrupt: start empty
    }
  }

  function save() {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(cart));
    } catch (_err) {
      /* storage full or disabled: the cart still works for this page view */
    }
  }

  function lines() {
    return cart.map(function (entry) {
      var product = catalogue.get(entry.sku);
      return { sku: entry.sku, name: product.name, quantity: entry.quantity, price: product.price };
    });
  }

  function totalOf(items) {
    return items.reduce(function (sum, item) {
      return sum + item.price * item.quantity;
    }, 0);
  }

  function countOf(items) {
    return items.reduce(function (sum, item) {
      return sum + item.quantity;
    }, 0);
  }

  function reportToChat(items) {
    if (typeof window.Mostrador !== 'function') return;
    try {
      window.Mostrador('cart', { items: items, total: totalOf(items), currency: CURRENCY });
    } catch (err) {
      console.warn('[demo] Mostrador cart update failed', err);
    }
  }

  function setQuantity(sku, quantity) {
    var q = clampQuantity(quantity);
    var index = cart.findIndex(function (entry) {
      return entry.sku === sku;
    });
    if (index === -1 && q > 0) cart.push({ sku: sku, quantity: q });
    else if (index !== -1 && q > 0) cart[index].quantity = q;
    else if (index !== -1) cart.splice(index, 1);
    changed();
  }

  function quantityOf(sku) {
    var entry = cart.find(function (e) {
      return e.sku === sku;
    });
    return entry ? entry.quantity : 0;
  }

  function changed() {
    save();
    render();
  }

  // ---- Rendering ---------------------------------------------------------------------------

  var els = {
    toggle: $('[data-cart-toggle]'),
    count: $('[data-cart-count]'),
    countLabel: $('[data-cart-count-label]'),
    drawer: $('#carrito'),
    backdrop: $('[data-cart-backdrop]'),
    title: $('#carrito-title'),
    close: $('[data-cart-close]'),
    list: $('[data-cart-items]'),
    empty: $('[data-cart-empty]'),
    total: $('[data-cart-total]'),
    shipping: $('[data-cart-shipping]'),
    checkout: $('[data-checkout]'),
    checkoutNote: $('[data-checkout-note]'),
    toast: $('[data-toast]'),
  };

  /** Cart rows by SKU, reused between renders so focus stays on the button being used. */
  var rows = new Map();

  function iconButton(className, label, text) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = className;
    button.setAttribute('aria-label', label);
    var glyph = document.createElement('span');
    glyph.setAttribute('aria-hidden', 'true');
    glyph.textContent = text;
    button.appendChild(glyph);
    return button;
  }

  function createRow(product) {
    var li = document.createElement('li');
    li.className = 'cart-item';
    li.dataset.sku = product.sku;

    var img = document.createElement('img');
    img.className = 'cart-item-img';
    img.src = product.image;
    img.alt = '';
    img.width = 56;
    img.height = 42;

    var info = document.createElement('div');
    info.className = 'cart-item-info';
    var name = document.createElement('p');
    name.className = 'cart-item-name';
    name.textContent = product.name;
    var unit = document.createElement('p');
    unit.className = 'cart-item-unit';
    unit.textContent = formatPrice(product.price) + ' / ud.';
    info.append(name, unit);

    var qty = document.createElement('div');
    qty.className = 'qty';
    qty.setAttribute('role', 'group');
    qty.setAttribute('aria-label', 'Cantidad de ' + product.name);
    var minus = iconButton('qty-btn', 'Quitar una unidad de ' + product.name, '−');
    minus.dataset.action = 'decrement';
    var value = document.createElement('output');
    value.className = 'qty-value';
    value.setAttribute('aria-live', 'polite');
    var plus = iconButton('qty-btn', 'Añadir una unidad de ' + product.name, '+');
    plus.dataset.action = 'increment';
    qty.append(minus, value, plus);

    var subtotal = document.createElement('p');
    subtotal.className = 'cart-item-subtotal';

    var remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'link-btn cart-item-remove';
    remove.dataset.action = 'remove';
    remove.textContent = 'Eliminar';
    remove.setAttribute('aria-label', 'Eliminar ' + product.name + ' del carrito');

    li.append(img, info, qty, subtotal, remove);
    return { li: li, value: value, plus: plus, subtotal: subtotal };
  }

  function render() {
    var items = lines();
    var total = totalOf(items);
    var count = countOf(items);

    // Header button.
    els.count.textContent = String(count);
    els.countLabel.textContent = count === 1 ? 'artículo' : 'artículos';
    els.toggle.classList.toggle('has-items', count > 0);

    // Rows: drop the ones no longer in the cart, add new ones at the end (the cart only
    // ever grows at the end), update the rest in place.
    var focusedRowSku = null;
    var active = document.activeElement;
    rows.forEach(function (row, sku) {
      if (quantityOf(sku) > 0) return;
      if (row.li.contains(active)) focusedRowSku = sku;
      row.li.remove();
      rows.delete(sku);
    });
    items.forEach(function (item) {
      var row = rows.get(item.sku);
      if (!row) {
        row = createRow(catalogue.get(item.sku));
        rows.set(item.sku, row);
        els.list.appendChild(row.li);
      }
      row.value.textContent = String(item.quantity);
      row.plus.disabled = item.quantity >= MAX_QUANTITY;
      row.subtotal.textContent = formatPrice(item.price * item.quantity);
    });
    // If the focused row disappeared, keep focus inside the drawer.
    if (focusedRowSku !== null && !els.drawer.hidden) {
      var next = els.list.querySelector('.cart-item-remove');
      (next || els.title).focus();
    }

    els.empty.hidden = items.length > 0;
    els.list.hidden = items.length === 0;
    els.total.textContent = formatPrice(total);
    els.checkout.disabled = items.length === 0;

    if (items.length === 0) {
      els.shipping.textContent = 'Envío gratis en pedidos desde ' + formatPrice(FREE_SHIPPING_FROM) + '.';
    } else if (total >= FREE_SHIPPING_FROM) {
      els.shipping.textContent = '¡Tu pedido tiene envío gratis!';
    } else {
      els.shipping.textContent = 'Te faltan ' + formatPrice(FREE_SHIPPING_FROM - total) + ' para el envío gratis.';
    }

    reportToChat(items);
  }

  // ---- Toast -------------------------------------------------------------------------------

  var toastTimer = 0;
  function toast(message) {
    window.clearTimeout(toastTimer);
    els.toast.textContent = message;
    els.toast.classList.add('is-visible');
    toastTimer = window.setTimeout(function () {
      els.toast.classList.remove('is-visible');
      toastTimer = window.setTimeout(function () {
        els.toast.textContent = '';
      }, 300);
    }, 2600);
  }

  // ---- Drawer ------------------------------------------------------------------------------

  var pageRegions = Array.prototype.slice.call(document.querySelectorAll('[data-page-region]'));
  var returnFocusTo = null;

  function isOpen() {
    return !els.drawer.hidden;
  }

  function openCart() {
    if (isOpen()) return;
    returnFocusTo = document.activeElement instanceof HTMLElement ? document.activeElement : els.toggle;
    els.checkoutNote.textContent = '';
    els.toast.classList.remove('is-visible');
    els.drawer.hidden = false;
    els.backdrop.hidden = false;
    els.toggle.setAttribute('aria-expanded', 'true');
    document.documentElement.classList.add('cart-open');
    // The rest of the page is out of reach while the drawer is open (the chat widget,
    // appended to <body> by the loader, is not one of these regions and stays usable).
    pageRegions.forEach(function (region) {
      region.inert = true;
    });
    // Next frame, so the entry transition runs.
    window.requestAnimationFrame(function () {
      els.drawer.classList.add('is-open');
      els.backdrop.classList.add('is-open');
    });
    els.title.focus();
  }

  function closeCart() {
    if (!isOpen()) return;
    pageRegions.forEach(function (region) {
      region.inert = false;
    });
    els.drawer.classList.remove('is-open');
    els.backdrop.classList.remove('is-open');
    els.drawer.hidden = true;
    els.backdrop.hidden = true;
    els.toggle.setAttribute('aria-expanded', 'false');
    document.documentElement.classList.remove('cart-open');
    var target = returnFocusTo && document.contains(returnFocusTo) ? returnFocusTo : els.toggle;
    returnFocusTo = null;
    target.focus();
  }

  // Keep Tab inside the drawer when `inert` is not supported by the browser.
  function trapFocus(event) {
    if ('inert' in HTMLElement.prototype) return;
    var focusable = Array.prototype.filter.call(
      els.drawer.querySelectorAll('button, [href], [tabindex]:not([tabindex="-1"])'),
      function (el) {
        return !el.disabled && el.offsetParent !== null;
      },
    );
    if (focusable.length === 0) return;
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (event.shiftKey && (document.activeElement === first || document.activeElement === els.title)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  // ---- Events ------------------------------------------------------------------------------

  els.toggle.addEventListener('click', function () {
    if (isOpen()) closeCart();
    else openCart();
  });
  els.close.addEventListener('click', closeCart);
  els.backdrop.addEventListener('click', closeCart);

  document.addEventListener('keydown', function (event) {
    if (!isOpen()) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      closeCart();
    } else if (event.key === 'Tab') {
      trapFocus(event);
    }
  });

  document.querySelectorAll('.product [data-add]').forEach(function (button) {
    button.addEventListener('click', function () {
      var card = button.closest('.product');
      var product = card && catalogue.get(card.dataset.sku);
      if (!product) return;
      var current = quantityOf(product.sku);
      if (current >= MAX_QUANTITY) {
        toast('Has alcanzado el máximo de ' + MAX_QUANTITY + ' unidades de ' + product.name + '.');
        return;
      }
      setQuantity(product.sku, current + 1);
      toast(product.name + ' añadido al carrito.');
      els.toggle.classList.remove('bump');
      void els.toggle.offsetWidth; // restart the animation
      els.toggle.classList.add('bump');
    });
  });

  els.list.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!button) return;
    var row = button.closest('.cart-item');
    var sku = row && row.dataset.sku;
    if (!sku || !catalogue.has(sku)) return;
    var name = catalogue.get(sku).name;
    var current = quantityOf(sku);
    switch (button.dataset.action) {
      case 'increment':
        setQuantity(sku, current + 1);
        break;
      case 'decrement':
        setQuantity(sku, current - 1);
        if (current - 1 <= 0) toast(name + ' eliminado del carrito.');
        break;
      case 'remove':
        setQuantity(sku, 0);
        toast(name + ' eliminado del carrito.');
        break;
    }
  });

  els.checkout.addEventListener('click', function () {
    els.checkoutNote.textContent =
      'Esto es una tienda de demostración: no se realizan pedidos. Prueba a preguntar por tu carrito en el chat.';
  });

  // Another tab changed the cart: follow it.
  window.addEventListener('storage', function (event) {
    if (event.key !== STORAGE_KEY) return;
    cart = load();
    render();
  });

  render();
})();
