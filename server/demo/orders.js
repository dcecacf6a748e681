/*
 * "Mis pedidos": the signed-in demo customer's orders. A real shop renders this from its own
 * database; here /demo/api/orders plays that backend. The account is the one account.js keeps
 * under `demo-account`. Everything is built with DOM calls and textContent: no HTML from data.
 */
(function () {
  'use strict';

  var KEY = 'demo-account';
  var list = document.querySelector('[data-orders]');
  var status = document.querySelector('[data-orders-status]');
  var title = document.querySelector('[data-orders-title]');
  if (!list || !status) return;

  var dateFormat = new Intl.DateTimeFormat('es-ES', { day: 'numeric', month: 'long', year: 'numeric' });
  function money(cents, currency) {
    return new Intl.NumberFormat('es-ES', { style: 'currency', currency: currency || 'EUR' }).format(cents / 100);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function isHttp(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:';
    } catch (e) {
      return false;
    }
  }

  function orderCard(order) {
    var li = el('li');
    var article = el('article', 'order-card');
    var headingId = 'pedido-' + order.id;
    article.setAttribute('aria-labelledby', headingId);

    var head = el('div', 'order-head');
    var h2 = el('h2', 'order-number', 'Pedido ' + order.number);
    h2.id = headingId;
    var badge = el('span', 'order-badge order-badge-' + order.status, order.statusLabel);
    var date = el('p', 'order-date');
    var time = el('time', null, dateFormat.format(new Date(order.createdAt)));
    time.dateTime = order.createdAt;
    date.append('Realizado el ', time);
    head.append(h2, badge, date);

    var items = el('ul', 'order-items');
    items.setAttribute('aria-label', 'Artículos');
    order.items.forEach(function (item) {
      var row = el('li');
      row.append(el('span', null, item.quantity + ' × ' + item.name), el('span', 'order-item-price', money(item.price * item.quantity, order.currency)));
      items.appendChild(row);
    });

    var total = el('p', 'order-total');
    total.append(el('span', null, 'Total'), el('strong', null, money(order.total, order.currency)));

    article.append(head, items, total);

    order.shipments.forEach(function (shipment) {
      var box = el('div', 'order-shipment');
      var line = el('p');
      line.append(el('strong', null, 'Envío: '), shipment.carrier + ' · ' + shipment.statusLabel);
      box.appendChild(line);
      var tracking = el('p', 'order-tracking');
      tracking.append('Número de seguimiento: ', el('span', 'mono', shipment.trackingNumber));
      box.appendChild(tracking);
      if (shipment.trackingUrl && isHttp(shipment.trackingUrl)) {
        var link = el('a', 'btn btn-secondary', 'Seguir el envío');
        link.href = shipment.trackingUrl;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        var hint = el('span', 'visually-hidden', ' (se abre en otra pestaña)');
        link.appendChild(hint);
        box.appendChild(link);
      }
      article.appendChild(box);
    });

    order.returns.forEach(function (ret) {
      article.appendChild(el('p', 'order-return', 'Devolución: ' + ret.statusLabel));
    });

    li.appendChild(article);
    return li;
  }

  function show(message) {
    status.textContent = message;
    list.hidden = true;
  }

  var account = null;
  try {
    account = localStorage.getItem(KEY);
  } catch (e) {
    /* private mode */
  }
  if (!account) {
    show('Elige una cuenta en «Cuenta (demo)», arriba, para ver sus pedidos.');
    return;
  }

  fetch('/demo/api/orders?customer=' + encodeURIComponent(account), { headers: { Accept: 'application/json' } })
    .then(function (res) {
      if (res.status === 404) throw new Error('unknown');
      if (!res.ok) throw new Error('http ' + res.status);
      return res.json();
    })
    .then(function (data) {
      if (title && data.customer && data.customer.name) title.textContent = 'Mis pedidos · ' + data.customer.name;
      list.replaceChildren.apply(list, data.orders.map(orderCard));
      list.hidden = data.orders.length === 0;
      status.textContent =
        data.orders.length === 0
          ? 'Todavía no tienes pedidos.'
          : data.orders.length === 1
            ? 'Tienes 1 pedido.'
            : 'Tienes ' + data.orders.length + ' pedidos.';
    })
    .catch(function (err) {
      show(err && err.message === 'unknown' ? 'No encontramos esa cuenta. Elige otra en «Cuenta (demo)».' : 'No hemos podido cargar tus pedidos. Inténtalo de nuevo en un momento.');
    });
})();
