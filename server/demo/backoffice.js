/*
 * Trastienda (the demo shop's back office). The buttons POST to /demo/api/backoffice, which plays
 * the shop's server: it calls Mostrador's REST API with the secret key. This page never sees the
 * key. Built with DOM calls and textContent only.
 */
(function () {
  'use strict';

  var rowsEl = document.querySelector('[data-backoffice-rows]');
  var statusEl = document.querySelector('[data-backoffice-status]');
  var callsBox = document.querySelector('[data-calls-box]');
  var callsEl = document.querySelector('[data-calls]');
  var newOrderForm = document.querySelector('[data-new-order]');
  if (!rowsEl || !statusEl) return;

  var ACTIONS = [
    { action: 'ship', label: 'Enviar', done: 'enviado' },
    { action: 'delay', label: 'Retrasar', done: 'marcado con retraso' },
    { action: 'deliver', label: 'Entregar', done: 'entregado' },
    { action: 'return', label: 'Aceptar devolución', done: 'con la devolución aceptada' },
  ];
  var EVENT_NAMES = {
    'order.shipped': 'pedido enviado',
    'order.delayed': 'pedido con retraso',
    'order.delivered': 'pedido entregado',
    'return.accepted': 'devolución aceptada',
  };

  var dateFormat = new Intl.DateTimeFormat('es-ES', { day: 'numeric', month: 'short', year: 'numeric' });
  function money(cents, currency) {
    return new Intl.NumberFormat('es-ES', { style: 'currency', currency: currency || 'EUR' }).format(cents / 100);
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  var busy = false;

  function setBusy(value) {
    busy = value;
    document.querySelectorAll('[data-action], [data-new-order] button').forEach(function (button) {
      button.disabled = value || button.dataset.allowed === 'false';
    });
    rowsEl.closest('table').setAttribute('aria-busy', value ? 'true' : 'false');
  }

  function row(order) {
    var tr = el('tr');
    tr.dataset.order = order.id;
    var th = el('th', null, order.number);
    th.scope = 'row';
    th.tabIndex = -1;
    var time = el('time', null, dateFormat.format(new Date(order.createdAt)));
    time.dateTime = order.createdAt;
    var dateTd = el('td');
    dateTd.appendChild(time);
    var statusTd = el('td');
    statusTd.appendChild(el('span', 'order-badge order-badge-' + order.status, order.statusLabel));
    var shipment = order.shipments[order.shipments.length - 1];
    var shipTd = el('td', 'backoffice-shipment', shipment ? shipment.carrier + ' · ' + shipment.statusLabel : '—');
    var ret = order.returns[order.returns.length - 1];
    if (ret) shipTd.appendChild(el('span', 'backoffice-return', 'Devolución: ' + ret.statusLabel));

    var actionsTd = el('td');
    var group = el('div', 'backoffice-actions');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Acciones del pedido ' + order.number);
    ACTIONS.forEach(function (a) {
      var button = el('button', 'btn btn-small', a.label);
      button.type = 'button';
      button.dataset.action = a.action;
      button.dataset.order = order.id;
      button.dataset.number = order.number;
      button.dataset.allowed = String(!!order.actions[a.action]);
      button.disabled = busy || !order.actions[a.action];
      group.appendChild(button);
    });
    actionsTd.appendChild(group);

    tr.append(th, el('td', null, order.customer.name), dateTd, statusTd, el('td', 'num', money(order.total, order.currency)), shipTd, actionsTd);
    return tr;
  }

  function load(focus) {
    return fetch('/demo/api/backoffice/orders', { headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('http ' + res.status);
        return res.json();
      })
      .then(function (data) {
        rowsEl.replaceChildren.apply(rowsEl, data.orders.map(row));
        if (focus) restoreFocus(focus);
      })
      .catch(function () {
        statusEl.textContent = 'No se han podido cargar los pedidos.';
      });
  }

  // The table is rebuilt after each action: put focus back on the same button, or the row.
  function restoreFocus(focus) {
    var tr = rowsEl.querySelector('tr[data-order="' + CSS.escape(focus.order) + '"]');
    if (!tr) return;
    var same = tr.querySelector('button[data-action="' + focus.action + '"]');
    var target = same && !same.disabled ? same : tr.querySelector('button[data-action]:not(:disabled)') || tr.querySelector('th');
    if (target) target.focus();
  }

  function showCalls(calls) {
    if (!callsBox || !callsEl) return;
    callsEl.replaceChildren.apply(
      callsEl,
      (calls || []).map(function (call) {
        return el('li', null, call.method + ' ' + call.path + ' → ' + (call.status || 'sin respuesta'));
      }),
    );
    callsBox.hidden = !calls || calls.length === 0;
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          return { status: res.status, data: data };
        });
    });
  }

  function describe(a, number, data) {
    var ev = data.event;
    var name = EVENT_NAMES[ev.type] || ev.type;
    var head = 'Pedido ' + number + ' ' + a.done + '. ';
    if (ev.delivered) return head + 'La API respondió ' + ev.status + ': aviso de ' + name + ' entregado en el chat del cliente.';
    return head + 'La API respondió ' + ev.status + ': el aviso de ' + name + ' no se ha entregado (el cliente nunca chateó identificado).';
  }

  rowsEl.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!button || button.disabled || busy) return;
    var a = ACTIONS.find(function (x) {
      return x.action === button.dataset.action;
    });
    var orderId = button.dataset.order;
    var number = button.dataset.number;
    setBusy(true);
    statusEl.textContent = a.label + ': pedido ' + number + '…';
    post('/demo/api/backoffice/orders/' + encodeURIComponent(orderId) + '/' + a.action, {})
      .then(function (res) {
        showCalls(res.data.calls);
        if (res.data.ok) statusEl.textContent = describe(a, number, res.data);
        else statusEl.textContent = 'No se ha podido: ' + (res.data.message || 'error ' + res.status) + (res.data.status ? ' (la API respondió ' + res.data.status + ')' : '');
      })
      .catch(function () {
        statusEl.textContent = 'No se ha podido contactar con la tienda. Inténtalo de nuevo.';
      })
      .then(function () {
        setBusy(false);
        return load({ order: orderId, action: a.action });
      });
  });

  if (newOrderForm) {
    newOrderForm.addEventListener('submit', function (event) {
      event.preventDefault();
      if (busy) return;
      var select = newOrderForm.querySelector('[data-new-order-customer]');
      var name = select.options[select.selectedIndex].textContent;
      setBusy(true);
      statusEl.textContent = 'Creando un pedido para ' + name + '…';
      var created = null;
      post('/demo/api/backoffice/orders', { customerId: select.value })
        .then(function (res) {
          showCalls(res.data.calls);
          if (res.data.ok) {
            created = res.data.orderId;
            statusEl.textContent = 'Pedido ' + res.data.number + ' creado para ' + name + ' (PUT /api/v1/orders → 201).';
          } else {
            statusEl.textContent = 'No se ha podido crear el pedido: ' + (res.data.message || 'error ' + res.status);
          }
        })
        .catch(function () {
          statusEl.textContent = 'No se ha podido contactar con la tienda. Inténtalo de nuevo.';
        })
        .then(function () {
          setBusy(false);
          return load(created ? { order: created, action: 'ship' } : null);
        });
    });
  }

  load(null);
})();
