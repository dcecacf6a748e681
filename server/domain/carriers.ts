/**
 * Carriers shops in Spain and Portugal use: their names as platforms write them, the public
 * tracking page for a number when the platform gives none, and the platform's shipment states
 * mapped onto ours (pending, in_transit, out_for_delivery, delivered, delayed, exception,
 * returned), which agents read in words in their language. Pure.
 */

export type CarrierId = 'correos' | 'correos_express' | 'seur' | 'mrw' | 'gls' | 'nacex' | 'ctt' | 'dhl' | 'ups';

interface Carrier {
  name: string;
  /** Lower-case names and slugs platforms use for it (tracking_company, Shipment Tracking provider, PrestaShop carrier name). */
  aliases: readonly string[];
  url: (n: string) => string;
}

export const CARRIERS: Readonly<Record<CarrierId, Carrier>> = {
  correos: {
    name: 'Correos',
    aliases: ['correos', 'correos españa', 'correos espana', 'correos-espana', 'sociedad estatal correos'],
    url: (n) => `https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number=${n}`,
  },
  correos_express: {
    name: 'Correos Express',
    aliases: ['correos express', 'correosexpress', 'correos-express', 'chronoexpres'],
    url: (n) => `https://s.correosexpress.com/SeguimientoSinCP/search?shippingNumber=${n}`,
  },
  seur: { name: 'SEUR', aliases: ['seur', 'seur-es', 'dpd seur'], url: (n) => `https://www.seur.com/livetracking/?segOnlineIdentificador=${n}` },
  mrw: { name: 'MRW', aliases: ['mrw', 'mrw-es'], url: (n) => `https://www.mrw.es/seguimiento_envios/MRW_historico_nacional.asp?enviament=${n}` },
  gls: { name: 'GLS', aliases: ['gls', 'gls spain', 'gls españa', 'gls-es', 'asm', 'gls asm'], url: (n) => `https://gls-group.com/ES/es/seguimiento-envio/?match=${n}` },
  nacex: { name: 'Nacex', aliases: ['nacex', 'nacex-es'], url: (n) => `https://www.nacex.es/seguimientoDetalle.do?agencia_origen=&numero_albaran=${n}` },
  ctt: { name: 'CTT', aliases: ['ctt', 'ctt express', 'cttexpress', 'ctt-express', 'tourline'], url: (n) => `https://www.cttexpress.com/localizador-de-envios/?sc=${n}` },
  dhl: { name: 'DHL', aliases: ['dhl', 'dhl express', 'dhl parcel', 'dhl-express', 'dhl ecommerce'], url: (n) => `https://www.dhl.com/es-es/home/tracking.html?tracking-id=${n}&submit=1` },
  ups: { name: 'UPS', aliases: ['ups', 'ups-es', 'united parcel service'], url: (n) => `https://www.ups.com/track?loc=es_ES&tracknum=${n}` },
};

/** The carrier a platform's free-text name means, or null (an unknown carrier keeps its own name). */
export function carrierFromName(raw: string | null | undefined): CarrierId | null {
  const name = (raw ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  if (!name) return null;
  for (const [id, c] of Object.entries(CARRIERS) as [CarrierId, Carrier][]) if (c.aliases.includes(name)) return id;
  // "Correos Express 24h", "SEUR 10", "UPS Standard": the first known name at the start wins, longest first.
  const sorted = (Object.entries(CARRIERS) as [CarrierId, Carrier][])
    .flatMap(([id, c]) => c.aliases.map((a) => [id, a] as const))
    .sort((a, b) => b[1].length - a[1].length);
  return sorted.find(([, alias]) => name.startsWith(`${alias} `) || name.startsWith(`${alias}-`))?.[0] ?? null;
}

/** The carrier's display name: ours for a known carrier, the platform's otherwise. */
export function carrierDisplayName(raw: string | null | undefined): string {
  const id = carrierFromName(raw);
  return id ? CARRIERS[id].name : (raw ?? '').trim();
}

/**
 * The public tracking page for a number: the platform's own URL when it is http(s), else built
 * from the carrier; '' when neither is known. The number is URL-encoded (it comes from outside).
 */
export function trackingUrl(carrier: string | null | undefined, number: string | null | undefined, given?: string | null): string {
  if (given && /^https?:\/\/[^\s]+$/i.test(given.trim())) return given.trim();
  const n = (number ?? '').trim();
  const id = carrierFromName(carrier);
  if (!n || !id) return '';
  return CARRIERS[id].url(encodeURIComponent(n));
}

export type ShipmentStatus = 'pending' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'delayed' | 'exception' | 'returned';

const SHIPMENT_STATUS_WORDS: Record<string, ShipmentStatus> = {
  // Shopify fulfillment shipment_status and fulfillment event status
  label_printed: 'pending',
  label_purchased: 'pending',
  confirmed: 'pending',
  ready_for_pickup: 'out_for_delivery',
  picked_up: 'in_transit',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  attempted_delivery: 'delayed',
  delayed: 'delayed',
  delivered: 'delivered',
  failure: 'exception',
  // WooCommerce / PrestaShop order states that describe the parcel
  shipped: 'in_transit',
  completed: 'in_transit',
  returned: 'returned',
  pending: 'pending',
  exception: 'exception',
};

/** A platform's shipment state as ours; unknown or empty → in_transit when shipped, else pending. */
export function shipmentStatus(raw: string | null | undefined, shipped = true): ShipmentStatus {
  const key = (raw ?? '').trim().toLowerCase();
  return SHIPMENT_STATUS_WORDS[key] ?? (shipped ? 'in_transit' : 'pending');
}
