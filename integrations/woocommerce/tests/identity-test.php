<?php
/**
 * php-cli unit test of the plugin's identity hash and snippet. Exits non-zero on the first failure.
 * Vector computed outside this code: printf '%s' 'wc:27' | openssl dgst -sha256 -hmac sk_demo_secret
 */
require __DIR__ . '/../mostrador/includes/identity.php';

$failures = 0;
function check($label, $ok)
{
    global $failures;
    if (!$ok) {
        $failures++;
        fwrite(STDERR, "FAIL: $label\n");
    } else {
        echo "ok: $label\n";
    }
}

check('customer id', mostrador_customer_id(27) === 'wc:27' && mostrador_customer_id('27') === 'wc:27');
check('hash matches the openssl vector', mostrador_identity_hash('wc:27', 'sk_demo_secret') === '91358536178da1cf8ce9b3585667d20ba0a323c3e0923cb9f76ed206f726d719');
check('another secret gives another hash', mostrador_identity_hash('wc:27', 'sk_other') !== '91358536178da1cf8ce9b3585667d20ba0a323c3e0923cb9f76ed206f726d719');

$payload = mostrador_identify_payload(27, 'marta.soler@example.com', ' Marta Soler ', 'sk_demo_secret');
check('payload', $payload === array('id' => 'wc:27', 'hash' => '91358536178da1cf8ce9b3585667d20ba0a323c3e0923cb9f76ed206f726d719', 'email' => 'marta.soler@example.com', 'name' => 'Marta Soler'));
check('guest gets no payload', mostrador_identify_payload(0, 'x@example.com', 'X', 'sk_demo_secret') === null);
check('no secret, no payload', mostrador_identify_payload(27, 'x@example.com', 'X', '') === null);

$html = mostrador_snippet('https://chat.example.com/', 'pk_demo', mostrador_identify_payload(27, 'a@example.com', '</script><script>alert(1)</script>', 'sk_demo_secret'));
check('snippet loads the widget', strpos($html, '<script async src="https://chat.example.com/widget.js" data-site="pk_demo"></script>') !== false);
check('snippet identifies', strpos($html, 'Mostrador(\'identify\',{"id":"wc:27","hash":"91358536178da1cf8ce9b3585667d20ba0a323c3e0923cb9f76ed206f726d719","email":"a@example.com","name":"\u003C/script\u003E') !== false);
check('a name cannot close the script element', substr_count(strtolower($html), '</script>') === 3 && strpos($html, '<script>alert') === false);
check('a bad server URL prints nothing', mostrador_snippet('javascript:alert(1)', 'pk_demo', null) === '');
check('a bad key prints nothing', mostrador_snippet('https://chat.example.com', 'pk"><x', null) === '');

exit($failures === 0 ? 0 : 1);
