import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { carrierDisplayName, carrierFromName, shipmentStatus, trackingUrl, CARRIERS } from '../../server/domain/carriers';
import { SecretBox } from '../../server/integrations/secret-box';
import { appProxyMessage, verifyAppProxy, verifyBodyHmac } from '../../server/integrations/shops/signatures';
import { mapShopifyWebhook, shopifyOrderStatus } from '../../server/integrations/shops/shopify';
import { mapWooWebhook, wooOrderStatus } from '../../server/integrations/shops/woocommerce';
import { toMinor, timeOf } from '../../server/integrations/shops/model';

const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures', name), 'utf8')) as Record<string, any>;

describe('verifyAppProxy', () => {
  // Shopify's documented example request (shopify.dev, "Authenticate app proxies"), shared secret "hush".
  const query = 'extra=1&extra=2&shop=some-shop.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555';
  const message = 'extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=some-shop.myshopify.comtimestamp=1317327555';
  // Computed outside our code: printf '%s' "$message" | openssl dgst -sha256 -hmac hush
  const VECTOR = '5e2178f38200aed046f7944c03c410698b34595edb3968b0e3ab8d4db12f142f';

  it('builds the signed message: sorted names, repeated values joined by commas, no separators', () => {
    expect(appProxyMessage(new URLSearchParams(`${query}&signature=${VECTOR}`))).toBe(message);
  });

  it('accepts the vector computed with openssl', () => {
    const openssl = spawnSync('openssl', ['dgst', '-sha256', '-hmac', 'hush'], { input: message, encoding: 'utf8' });
    // Where openssl runs, check the hard-written vector against it too.
    if (openssl.status === 0) expect(openssl.stdout.trim().split('= ').pop()).toBe(VECTOR);
    expect(verifyAppProxy(new URLSearchParams(`${query}&signature=${VECTOR}`), 'hush')).toBe(true);
    expect(verifyAppProxy(new URLSearchParams(`${query}&signature=${VECTOR.toUpperCase()}`), 'hush')).toBe(true);
  });

  it('refuses tampered parameters, another secret, a missing or doubled signature', () => {
    const ok = new URLSearchParams(`${query}&signature=${VECTOR}`);
    for (const [name, value] of [
      ['logged_in_customer_id', '2'],
      ['shop', 'other-shop.myshopify.com'],
      ['timestamp', '1317327556'],
      ['path_prefix', '/apps/other'],
    ] as const) {
      const tampered = new URLSearchParams(ok);
      tampered.set(name, value);
      expect(verifyAppProxy(tampered, 'hush')).toBe(false);
    }
    const added = new URLSearchParams(ok);
    added.append('extra', '3');
    expect(verifyAppProxy(added, 'hush')).toBe(false);
    expect(verifyAppProxy(ok, 'hush2')).toBe(false);
    expect(verifyAppProxy(new URLSearchParams(query), 'hush')).toBe(false);
    expect(verifyAppProxy(new URLSearchParams(`${query}&signature=${VECTOR}&signature=${VECTOR}`), 'hush')).toBe(false);
    expect(verifyAppProxy(new URLSearchParams(`${query}&signature=zz`), 'hush')).toBe(false);
  });
});

describe('verifyBodyHmac', () => {
  const body = Buffer.from('{"id":1,"note":"ñandú"}');
  const good = createHmac('sha256', 'whsec').update(body).digest('base64');
  it('accepts the base64 HMAC of the raw bytes and nothing else', () => {
    expect(verifyBodyHmac(body, 'whsec', good)).toBe(true);
    expect(verifyBodyHmac(Buffer.from('{"id":1,"note":"nandu"}'), 'whsec', good)).toBe(false);
    expect(verifyBodyHmac(body, 'other', good)).toBe(false);
    expect(verifyBodyHmac(body, 'whsec', undefined)).toBe(false);
    expect(verifyBodyHmac(body, 'whsec', good.slice(0, -2))).toBe(false);
    expect(verifyBodyHmac(body, '', createHmac('sha256', '').update(body).digest('base64'))).toBe(false);
  });
});

describe('carriers', () => {
  it('builds the tracking page for every carrier from the number', () => {
    const cases: [string, string][] = [
      ['Correos', 'https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number=PQ4F6P0712345670128001X'],
      ['correos-express', 'https://s.correosexpress.com/SeguimientoSinCP/search?shippingNumber=PQ4F6P0712345670128001X'],
      ['SEUR 24', 'https://www.seur.com/livetracking/?segOnlineIdentificador=PQ4F6P0712345670128001X'],
      ['MRW', 'https://www.mrw.es/seguimiento_envios/MRW_historico_nacional.asp?enviament=PQ4F6P0712345670128001X'],
      ['GLS Spain', 'https://gls-group.com/ES/es/seguimiento-envio/?match=PQ4F6P0712345670128001X'],
      ['Nacex', 'https://www.nacex.es/seguimientoDetalle.do?agencia_origen=&numero_albaran=PQ4F6P0712345670128001X'],
      ['CTT Express', 'https://www.cttexpress.com/localizador-de-envios/?sc=PQ4F6P0712345670128001X'],
      ['DHL Express', 'https://www.dhl.com/es-es/home/tracking.html?tracking-id=PQ4F6P0712345670128001X&submit=1'],
      ['UPS', 'https://www.ups.com/track?loc=es_ES&tracknum=PQ4F6P0712345670128001X'],
    ];
    for (const [carrier, url] of cases) expect(trackingUrl(carrier, 'PQ4F6P0712345670128001X')).toBe(url);
    expect(Object.keys(CARRIERS)).toHaveLength(9);
  });

  it("keeps the platform's own http(s) URL, encodes the number and knows no URL for an unknown carrier", () => {
    expect(trackingUrl('SEUR', '1', 'https://track.example/1')).toBe('https://track.example/1');
    expect(trackingUrl('SEUR', '1', 'javascript:alert(1)')).toBe('https://www.seur.com/livetracking/?segOnlineIdentificador=1');
    expect(trackingUrl('UPS', '1Z 99&x=<y>')).toBe('https://www.ups.com/track?loc=es_ES&tracknum=1Z%2099%26x%3D%3Cy%3E');
    expect(trackingUrl('Mensajería Pepe', '123')).toBe('');
    expect(trackingUrl('SEUR', '')).toBe('');
  });

  it('names carriers as shops write them', () => {
    expect(carrierFromName('Correos Express 24h')).toBe('correos_express');
    expect(carrierFromName('correos')).toBe('correos');
    expect(carrierDisplayName('dhl-express')).toBe('DHL');
    expect(carrierDisplayName('Mensajería Pepe')).toBe('Mensajería Pepe');
  });

  it("maps platforms' shipment states onto ours", () => {
    expect(shipmentStatus('in_transit')).toBe('in_transit');
    expect(shipmentStatus('out_for_delivery')).toBe('out_for_delivery');
    expect(shipmentStatus('attempted_delivery')).toBe('delayed');
    expect(shipmentStatus('failure')).toBe('exception');
    expect(shipmentStatus('delivered')).toBe('delivered');
    expect(shipmentStatus(null)).toBe('in_transit');
    expect(shipmentStatus(null, false)).toBe('pending');
  });
});

describe('shopifyOrderStatus', () => {
  it.each([
    [{ financial_status: 'pending', fulfillment_status: null }, 'pending'],
    [{ financial_status: 'authorized', fulfillment_status: null }, 'paid'],
    [{ financial_status: 'paid', fulfillment_status: null }, 'paid'],
    [{ financial_status: 'paid', fulfillment_status: 'fulfilled', fulfillments: [] }, 'fulfilled'],
    [{ financial_status: 'paid', fulfillment_status: 'fulfilled', fulfillments: [{ tracking_number: 'X1', shipment_status: 'in_transit' }] }, 'shipped'],
    [{ financial_status: 'paid', fulfillment_status: 'partial', fulfillments: [{ tracking_number: 'X1' }] }, 'shipped'],
    [{ financial_status: 'paid', fulfillment_status: 'fulfilled', fulfillments: [{ tracking_number: 'X1', shipment_status: 'delivered' }] }, 'delivered'],
    [{ financial_status: 'refunded', fulfillment_status: 'fulfilled' }, 'returned'],
    [{ financial_status: 'voided', fulfillment_status: null }, 'cancelled'],
    [{ financial_status: 'paid', fulfillment_status: null, cancelled_at: '2026-11-20T10:00:00Z' }, 'cancelled'],
  ])('%j → %s', (order, status) => {
    expect(shopifyOrderStatus(order)).toBe(status);
  });
});

describe('wooOrderStatus', () => {
  it.each([
    ['pending', false, 'pending'],
    ['on-hold', false, 'pending'],
    ['processing', false, 'paid'],
    ['completed', false, 'fulfilled'],
    ['completed', true, 'shipped'],
    ['cancelled', false, 'cancelled'],
    ['refunded', false, 'returned'],
    ['failed', false, 'pending'],
  ] as const)('%s (tracked: %s) → %s', (status, tracked, ours) => {
    expect(wooOrderStatus(status, tracked)).toBe(ours);
  });
});

describe('mapping payloads', () => {
  it('turns a Shopify fulfillment into a shipment with a built tracking URL and a shipped event', () => {
    const changes = mapShopifyWebhook('fulfillments/create', fixture('shopify/fulfillment.json'))!;
    expect(changes.shipments).toEqual([
      {
        orderExternalId: 'shopify:5200000000101',
        externalId: 'shopify:4900000000301',
        input: { carrier: 'SEUR', trackingNumber: 'SEU 0049 1234 5678', trackingUrl: 'https://www.seur.com/livetracking/?segOnlineIdentificador=SEU%200049%201234%205678', status: 'in_transit' },
      },
    ]);
    expect(changes.events).toEqual([{ type: 'order.shipped', orderExternalId: 'shopify:5200000000101', key: 'shopify:4900000000301:shipped' }]);
    expect(mapShopifyWebhook('fulfillments/create', { ...fixture('shopify/fulfillment.json'), tracking_number: null, tracking_numbers: [] })!.events).toEqual([]);
    expect(mapShopifyWebhook('app/uninstalled', {})).toBeNull();
  });

  it('files a Shopify guest checkout under one customer per email', () => {
    const { customer: _c, ...guest } = fixture('shopify/order.json');
    const a = mapShopifyWebhook('orders/create', guest)!;
    const b = mapShopifyWebhook('orders/create', { ...guest, id: 5200000000999, email: 'LUCIA.martin@example.com ' })!;
    expect(a.orders[0]!.customerExternalId).toMatch(/^shopify:guest:[0-9a-f]{24}$/);
    expect(b.orders[0]!.customerExternalId).toBe(a.orders[0]!.customerExternalId);
  });

  it('does not let an order update overwrite a WooCommerce account with billing details', () => {
    const changes = mapWooWebhook('order.created', fixture('woocommerce/order.json'))!;
    expect(changes.customers).toEqual([expect.objectContaining({ externalId: 'wc:27', ifMissing: true })]);
    expect(mapWooWebhook('action.woocommerce_order_note', {})).toBeNull();
  });

  it('reads money in the currency’s own decimals and platform times', () => {
    expect(toMinor('64.40', 'EUR')).toBe(6440);
    expect(toMinor('0.1', 'EUR') + toMinor('0.2', 'EUR')).toBe(30);
    expect(toMinor('1500', 'JPY')).toBe(1500);
    expect(toMinor('-3', 'EUR')).toBe(0);
    expect(timeOf('2026-11-22T16:40:12')).toBe(Date.UTC(2026, 10, 22, 16, 40, 12));
    expect(timeOf('2026-11-20T10:15:02+01:00')).toBe(Date.UTC(2026, 10, 20, 9, 15, 2));
    expect(timeOf(1795424400)).toBe(1795424400000);
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(Buffer.alloc(32, 7));
  it('opens what it sealed, only under the same key and context', () => {
    const sealed = box.seal({ accessToken: 'shpat_x' }, 'site_1/shopify');
    expect(sealed).not.toContain('shpat_x');
    expect(box.open(sealed, 'site_1/shopify')).toEqual({ accessToken: 'shpat_x' });
    expect(() => box.open(sealed, 'site_2/shopify')).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 8)).open(sealed, 'site_1/shopify')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('{"accessToken":"evil"}').toString('base64url');
    expect(() => box.open(parts.join('.'), 'site_1/shopify')).toThrow();
  });
});
