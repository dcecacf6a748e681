<?php
/** Calls Mostrador's REST API (/api/v1) with the site's secret key; never throws into the shop's checkout. */
class MostradorClient
{
    private $baseUrl;
    private $secretKey;

    public function __construct($serverUrl, $secretKey)
    {
        $this->baseUrl = rtrim((string) $serverUrl, '/') . '/api/v1';
        $this->secretKey = (string) $secretKey;
    }

    /**
     * @return array{status: int, body: mixed} status 0 when the request could not be made
     */
    public function send($method, $path, array $body, $idempotencyKey = null)
    {
        if ($this->secretKey === '' || !function_exists('curl_init')) {
            return array('status' => 0, 'body' => null);
        }
        $headers = array(
            'Authorization: Bearer ' . $this->secretKey,
            'Content-Type: application/json',
            'X-Mostrador-Integration: prestashop',
        );
        if ($idempotencyKey !== null) {
            $headers[] = 'Idempotency-Key: ' . $idempotencyKey;
        }
        $ch = curl_init($this->baseUrl . $path);
        curl_setopt_array($ch, array(
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_POSTFIELDS => json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE),
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_RETURNTRANSFER => true,
            // A slow chat server must not hold up an order confirmation.
            CURLOPT_CONNECTTIMEOUT => 3,
            CURLOPT_TIMEOUT => 5,
            CURLOPT_FOLLOWLOCATION => false,
        ));
        $raw = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        return array('status' => $raw === false ? 0 : $status, 'body' => is_string($raw) ? json_decode($raw, true) : null);
    }
}
