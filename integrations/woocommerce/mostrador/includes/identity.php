<?php
/**
 * Mostrador identity for a logged-in WordPress/WooCommerce customer: the id the shop's webhooks
 * use (`wc:<user id>`) and its hash, hex HMAC-SHA256 keyed with the site's secret key. Pure PHP
 * (no WordPress calls), so it is unit-tested under php-cli.
 */

if (!function_exists('mostrador_customer_id')) {
    /** The customer id Mostrador knows this user by: the same `wc:<id>` the webhooks and import write. */
    function mostrador_customer_id($user_id)
    {
        return 'wc:' . (int) $user_id;
    }

    /** hex(HMAC-SHA256(key = secret key, message = id)): what Mostrador checks to verify the shopper. */
    function mostrador_identity_hash($customer_id, $secret_key)
    {
        return hash_hmac('sha256', (string) $customer_id, (string) $secret_key);
    }

    /**
     * The identify payload for a logged-in user, or null for a guest or when no secret key is set.
     *
     * @return array|null
     */
    function mostrador_identify_payload($user_id, $email, $name, $secret_key)
    {
        if ((int) $user_id <= 0 || $secret_key === '' || $secret_key === null) {
            return null;
        }
        $id = mostrador_customer_id($user_id);
        $payload = array('id' => $id, 'hash' => mostrador_identity_hash($id, $secret_key));
        if (is_string($email) && $email !== '') {
            $payload['email'] = $email;
        }
        if (is_string($name) && trim($name) !== '') {
            $payload['name'] = trim($name);
        }
        return $payload;
    }

    /**
     * The snippet for the page: the loader and, for a logged-in customer, identify. JSON is encoded
     * so that nothing in a name can close the script element (<, >, & and quotes are escaped).
     */
    function mostrador_snippet($server_url, $public_key, $payload)
    {
        $flags = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES;
        $server = rtrim((string) $server_url, '/');
        if (!preg_match('#^https?://[^\s"\'<>]+$#i', $server) || !preg_match('/^[A-Za-z0-9_-]{1,64}$/', (string) $public_key)) {
            return '';
        }
        $html = "<script>window.Mostrador=window.Mostrador||function(){(Mostrador.q=Mostrador.q||[]).push(arguments)}</script>\n";
        $html .= '<script async src="' . htmlspecialchars($server . '/widget.js', ENT_QUOTES) . '" data-site="' . htmlspecialchars($public_key, ENT_QUOTES) . "\"></script>\n";
        if (is_array($payload)) {
            $html .= '<script>Mostrador(\'identify\',' . json_encode($payload, $flags) . ");</script>\n";
        }
        return $html;
    }
}
