<?php
/**
 * The PrestaShop module's pure logic (no PrestaShop classes), unit-tested under php-cli: the
 * shopper's identity and its hash, the order state → Mostrador status mapping, the tracking
 * link, and the REST bodies sent to Mostrador's /api/v1.
 */
class MostradorLogic
{
    /** The id Mostrador knows a PrestaShop customer by. */
    public static function customerId($idCustomer)
    {
        return 'ps:' . (int) $idCustomer;
    }

    public static function orderId($idOrder)
    {
        return 'ps:' . (int) $idOrder;
    }

    /** hex(HMAC-SHA256(key = secret key, message = id)): what Mostrador checks to verify the shopper. */
    public static function identityHash($customerId, $secretKey)
    {
        return hash_hmac('sha256', (string) $customerId, (string) $secretKey);
    }

    /** @return array|null the identify payload for a logged-in customer */
    public static function identifyPayload($idCustomer, $email, $name, $secretKey)
    {
        if ((int) $idCustomer <= 0 || (string) $secretKey === '') {
            return null;
        }
        $id = self::customerId($idCustomer);
        $payload = array('id' => $id, 'hash' => self::identityHash($id, $secretKey));
        if ((string) $email !== '') {
            $payload['email'] = (string) $email;
        }
        if (trim((string) $name) !== '') {
            $payload['name'] = trim((string) $name);
        }
        return $payload;
    }

    /** The loader and (for a logged-in customer) identify; JSON escaped so nothing can close the script element. */
    public static function snippet($serverUrl, $publicKey, $payload)
    {
        $server = rtrim((string) $serverUrl, '/');
        if (!preg_match('#^https?://[^\s"\'<>]+$#i', $server) || !preg_match('/^[A-Za-z0-9_-]{1,64}$/', (string) $publicKey)) {
            return '';
        }
        $flags = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES;
        $html = "<script>window.Mostrador=window.Mostrador||function(){(Mostrador.q=Mostrador.q||[]).push(arguments)}</script>\n";
        $html .= '<script async src="' . htmlspecialchars($server . '/widget.js', ENT_QUOTES) . '" data-site="' . htmlspecialchars($publicKey, ENT_QUOTES) . "\"></script>\n";
        if (is_array($payload)) {
            $html .= "<script>Mostrador('identify'," . json_encode($payload, $flags) . ");</script>\n";
        }
        return $html;
    }

    /**
     * Mostrador's order status for a PrestaShop order state. `$flags` are the state's own
     * (paid, shipped, delivered) and `$kind` which configured state it is, if any
     * ('canceled', 'refund', 'error', 'preparation').
     */
    public static function orderStatus(array $flags, $kind)
    {
        if ($kind === 'canceled' || $kind === 'error') {
            return 'cancelled';
        }
        if ($kind === 'refund') {
            return 'returned';
        }
        if (!empty($flags['delivery'])) {
            return 'delivered';
        }
        if (!empty($flags['shipped'])) {
            return 'shipped';
        }
        if ($kind === 'preparation') {
            return 'fulfilled';
        }
        if (!empty($flags['paid'])) {
            return 'paid';
        }
        return 'pending';
    }

    /** PrestaShop carriers store their tracking page with `@` where the number goes. */
    public static function trackingUrl($carrierUrl, $number)
    {
        $url = (string) $carrierUrl;
        if ($url === '' || strpos($url, '@') === false || !preg_match('#^https?://#i', $url)) {
            return null;
        }
        return str_replace('@', rawurlencode((string) $number), $url);
    }

    /** Amount in minor units (cents). */
    public static function cents($amount)
    {
        return (int) round(((float) $amount) * 100);
    }

    /**
     * The body of PUT /orders/{id}.
     *
     * @param array $order {reference, id_customer, total_paid_tax_incl, date_add (Y-m-d H:i:s, shop time), timezone, currency}
     * @param array $products rows of Order::getProducts()
     */
    public static function orderBody(array $order, array $products, $status, $paymentStatus)
    {
        $items = array();
        foreach ($products as $p) {
            $sku = trim((string) (isset($p['product_reference']) && $p['product_reference'] !== '' ? $p['product_reference'] : $p['product_id']));
            $items[] = array(
                'sku' => substr($sku, 0, 64),
                'name' => substr(trim((string) $p['product_name']), 0, 200),
                'quantity' => max(1, (int) $p['product_quantity']),
                'price' => self::cents($p['unit_price_tax_incl']),
            );
        }
        $created = new DateTime((string) $order['date_add'], new DateTimeZone(isset($order['timezone']) ? (string) $order['timezone'] : 'UTC'));
        $created->setTimezone(new DateTimeZone('UTC'));
        return array(
            'customerId' => self::customerId($order['id_customer']),
            'number' => (string) $order['reference'],
            'status' => $status,
            'paymentStatus' => $paymentStatus,
            'currency' => strtoupper((string) $order['currency']),
            'total' => self::cents($order['total_paid_tax_incl']),
            'items' => $items,
            'createdAt' => $created->format('Y-m-d\TH:i:s\Z'),
        );
    }
}
