<?php
/**
 * php-cli unit test of the module's pure logic. Exits non-zero on the first failure.
 * Vector computed outside this code: printf '%s' 'ps:42' | openssl dgst -sha256 -hmac sk_demo_secret
 */
require __DIR__ . '/../mostrador/classes/MostradorLogic.php';

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

$vector = '82860513b44d88a2dbd70f9c3008bcac63192434a68d506712dcafa8a78a78dd';
check('hash matches the openssl vector', MostradorLogic::identityHash('ps:42', 'sk_demo_secret') === $vector);
check('payload', MostradorLogic::identifyPayload(42, 'ana@example.com', 'Ana Ruiz', 'sk_demo_secret') === array('id' => 'ps:42', 'hash' => $vector, 'email' => 'ana@example.com', 'name' => 'Ana Ruiz'));
check('guest: no payload', MostradorLogic::identifyPayload(0, '', '', 'sk_demo_secret') === null);
$html = MostradorLogic::snippet('https://chat.example.com', 'pk_demo', MostradorLogic::identifyPayload(42, 'a@example.com', '</script><b>', 'sk_demo_secret'));
check('snippet', strpos($html, 'data-site="pk_demo"') !== false && strpos($html, '"hash":"' . $vector . '"') !== false && substr_count($html, '</script>') === 3);

check('paid', MostradorLogic::orderStatus(array('paid' => true), null) === 'paid');
check('awaiting payment', MostradorLogic::orderStatus(array(), null) === 'pending');
check('preparation', MostradorLogic::orderStatus(array('paid' => true), 'preparation') === 'fulfilled');
check('shipped', MostradorLogic::orderStatus(array('paid' => true, 'shipped' => true), null) === 'shipped');
check('delivered', MostradorLogic::orderStatus(array('paid' => true, 'shipped' => true, 'delivery' => true), null) === 'delivered');
check('cancelled', MostradorLogic::orderStatus(array(), 'canceled') === 'cancelled');
check('refund', MostradorLogic::orderStatus(array('paid' => true), 'refund') === 'returned');

check('carrier URL with @', MostradorLogic::trackingUrl('https://www.seur.com/livetracking/?segOnlineIdentificador=@', 'AB 12') === 'https://www.seur.com/livetracking/?segOnlineIdentificador=AB%2012');
check('carrier without URL', MostradorLogic::trackingUrl('', 'AB12') === null);
check('carrier URL not http', MostradorLogic::trackingUrl('javascript:@', 'AB12') === null);

$body = MostradorLogic::orderBody(
    array('reference' => 'XKBKNABJK', 'id_customer' => 42, 'total_paid_tax_incl' => '61.80', 'date_add' => '2026-11-20 11:15:02', 'timezone' => 'Europe/Madrid', 'currency' => 'eur'),
    array(array('product_id' => 5, 'product_reference' => 'demo_5', 'product_name' => 'Cuaderno', 'product_quantity' => '2', 'unit_price_tax_incl' => '12.90')),
    'paid',
    'paid'
);
check('order body', $body === array(
    'customerId' => 'ps:42',
    'number' => 'XKBKNABJK',
    'status' => 'paid',
    'paymentStatus' => 'paid',
    'currency' => 'EUR',
    'total' => 6180,
    'items' => array(array('sku' => 'demo_5', 'name' => 'Cuaderno', 'quantity' => 2, 'price' => 1290)),
    'createdAt' => '2026-11-20T10:15:02Z',
));

exit($failures === 0 ? 0 : 1);
