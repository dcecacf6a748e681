<?php
/**
 * Mostrador live chat for PrestaShop 1.7 / 8: sends new orders, status changes and tracking
 * numbers to Mostrador's REST API, and prints the widget with a signed identity for a
 * logged-in customer (so the chat can show them their orders).
 */
if (!defined('_PS_VERSION_')) {
    exit;
}

require_once __DIR__ . '/classes/MostradorLogic.php';
require_once __DIR__ . '/classes/MostradorClient.php';

class Mostrador extends Module
{
    const HOOKS = array(
        'actionValidateOrder',
        'actionOrderStatusPostUpdate',
        'actionAdminOrdersTrackingNumberUpdate',
        'displayBeforeBodyClosingTag',
    );

    public function __construct()
    {
        $this->name = 'mostrador';
        $this->tab = 'front_office_features';
        $this->version = '0.1.0';
        $this->author = 'Mostrador';
        $this->need_instance = 0;
        $this->ps_versions_compliancy = array('min' => '1.7.0', 'max' => _PS_VERSION_);
        $this->bootstrap = true;
        parent::__construct();
        $this->displayName = $this->l('Mostrador live chat');
        $this->description = $this->l('Live chat that knows your orders and their tracking.');
    }

    public function install()
    {
        return parent::install() && $this->registerHook(self::HOOKS);
    }

    public function uninstall()
    {
        foreach (array('MOSTRADOR_URL', 'MOSTRADOR_PUBLIC_KEY', 'MOSTRADOR_SECRET_KEY') as $key) {
            Configuration::deleteByName($key);
        }
        return parent::uninstall();
    }

    private function client()
    {
        return new MostradorClient(Configuration::get('MOSTRADOR_URL'), Configuration::get('MOSTRADOR_SECRET_KEY'));
    }

    /** Which configured state this is, for MostradorLogic::orderStatus. */
    private function stateKind($idState)
    {
        $kinds = array('PS_OS_CANCELED' => 'canceled', 'PS_OS_REFUND' => 'refund', 'PS_OS_ERROR' => 'error', 'PS_OS_PREPARATION' => 'preparation');
        foreach ($kinds as $key => $kind) {
            if ((int) Configuration::get($key) === (int) $idState) {
                return $kind;
            }
        }
        return null;
    }

    private function statusOf(OrderState $state)
    {
        return MostradorLogic::orderStatus(
            array('paid' => (bool) $state->paid, 'shipped' => (bool) $state->shipped, 'delivery' => (bool) $state->delivery),
            $this->stateKind($state->id)
        );
    }

    /** Customer, then order: the order refers to the customer. */
    private function pushOrder(Order $order, $status)
    {
        $customer = new Customer((int) $order->id_customer);
        $currency = new Currency((int) $order->id_currency);
        $client = $this->client();
        $client->send('PUT', '/customers/' . rawurlencode(MostradorLogic::customerId($customer->id)), array(
            'email' => (string) $customer->email,
            'name' => trim($customer->firstname . ' ' . $customer->lastname),
        ));
        $body = MostradorLogic::orderBody(
            array(
                'reference' => $order->reference,
                'id_customer' => $order->id_customer,
                'total_paid_tax_incl' => $order->total_paid_tax_incl,
                'date_add' => $order->date_add,
                'timezone' => Configuration::get('PS_TIMEZONE') ?: 'UTC',
                'currency' => $currency->iso_code,
            ),
            $order->getProducts(),
            $status,
            $order->hasBeenPaid() ? 'paid' : null
        );
        return $client->send('PUT', '/orders/' . rawurlencode(MostradorLogic::orderId($order->id)), $body);
    }

    /** A new order (validated at checkout). */
    public function hookActionValidateOrder($params)
    {
        if (empty($params['order']) || empty($params['orderStatus'])) {
            return;
        }
        $this->pushOrder($params['order'], $this->statusOf($params['orderStatus']));
    }

    /** A status change: the order is updated; shipped and delivered are told to the shopper in their chat. */
    public function hookActionOrderStatusPostUpdate($params)
    {
        if (empty($params['id_order']) || empty($params['newOrderStatus'])) {
            return;
        }
        $order = new Order((int) $params['id_order']);
        $status = $this->statusOf($params['newOrderStatus']);
        $this->pushOrder($order, $status);
        if ($status === 'delivered') {
            $this->client()->send('POST', '/events', array('type' => 'order.delivered', 'orderId' => MostradorLogic::orderId($order->id)), 'ps-delivered-' . (int) $order->id);
        }
    }

    /** A tracking number typed in the back office: the shipment with its link, and "on its way" in the chat. */
    public function hookActionAdminOrdersTrackingNumberUpdate($params)
    {
        if (empty($params['order']) || empty($params['carrier'])) {
            return;
        }
        $order = $params['order'];
        $carrier = $params['carrier'];
        $number = (string) $order->getWsShippingNumber();
        if ($number === '') {
            return;
        }
        $shipment = array('carrier' => (string) $carrier->name, 'trackingNumber' => $number, 'status' => 'in_transit');
        $url = MostradorLogic::trackingUrl($carrier->url, $number);
        if ($url !== null) {
            $shipment['trackingUrl'] = $url;
        }
        $orderId = MostradorLogic::orderId($order->id);
        $client = $this->client();
        $sent = $client->send('PUT', '/orders/' . rawurlencode($orderId) . '/shipments/' . rawurlencode('ps-' . (int) $order->id . '-' . (int) $carrier->id), $shipment);
        if ($sent['status'] === 404) {
            // An order from before the module was installed: send it, then the shipment.
            $this->pushOrder($order, 'shipped');
            $client->send('PUT', '/orders/' . rawurlencode($orderId) . '/shipments/' . rawurlencode('ps-' . (int) $order->id . '-' . (int) $carrier->id), $shipment);
        }
        $client->send('POST', '/events', array('type' => 'order.shipped', 'orderId' => $orderId), 'ps-shipped-' . (int) $order->id . '-' . substr(hash('sha256', $number), 0, 16));
    }

    /** The widget on every storefront page, with a signed identity for a logged-in customer. */
    public function hookDisplayBeforeBodyClosingTag($params)
    {
        $payload = null;
        $customer = $this->context->customer;
        if ($customer && $customer->isLogged()) {
            $payload = MostradorLogic::identifyPayload($customer->id, $customer->email, trim($customer->firstname . ' ' . $customer->lastname), (string) Configuration::get('MOSTRADOR_SECRET_KEY'));
        }
        return MostradorLogic::snippet(Configuration::get('MOSTRADOR_URL'), Configuration::get('MOSTRADOR_PUBLIC_KEY'), $payload);
    }

    /** The settings page: server URL, public key, secret key (write-only). */
    public function getContent()
    {
        $output = '';
        if (Tools::isSubmit('submitMostrador')) {
            $url = trim((string) Tools::getValue('MOSTRADOR_URL'));
            $public = trim((string) Tools::getValue('MOSTRADOR_PUBLIC_KEY'));
            $secret = trim((string) Tools::getValue('MOSTRADOR_SECRET_KEY'));
            if (!preg_match('#^https?://[^\s"\'<>]+$#i', $url) || !preg_match('/^[A-Za-z0-9_-]{1,64}$/', $public)) {
                $output .= $this->displayError($this->l('Check the server URL (https://…) and the public key (pk_…).'));
            } else {
                Configuration::updateValue('MOSTRADOR_URL', rtrim($url, '/'));
                Configuration::updateValue('MOSTRADOR_PUBLIC_KEY', $public);
                if ($secret !== '') {
                    Configuration::updateValue('MOSTRADOR_SECRET_KEY', $secret);
                }
                $output .= $this->displayConfirmation($this->l('Saved.'));
            }
        }
        $helper = new HelperForm();
        $helper->module = $this;
        $helper->name_controller = $this->name;
        $helper->token = Tools::getAdminTokenLite('AdminModules');
        $helper->currentIndex = AdminController::$currentIndex . '&configure=' . $this->name;
        $helper->submit_action = 'submitMostrador';
        $helper->fields_value = array(
            'MOSTRADOR_URL' => Configuration::get('MOSTRADOR_URL'),
            'MOSTRADOR_PUBLIC_KEY' => Configuration::get('MOSTRADOR_PUBLIC_KEY'),
            // Never printed back.
            'MOSTRADOR_SECRET_KEY' => '',
        );
        $form = array('form' => array(
            'legend' => array('title' => $this->l('Mostrador')),
            'input' => array(
                array('type' => 'text', 'label' => $this->l('Mostrador server URL'), 'name' => 'MOSTRADOR_URL', 'required' => true, 'desc' => 'https://chat.example.com'),
                array('type' => 'text', 'label' => $this->l('Public site key'), 'name' => 'MOSTRADOR_PUBLIC_KEY', 'required' => true),
                array('type' => 'password', 'label' => $this->l('Secret key'), 'name' => 'MOSTRADOR_SECRET_KEY', 'desc' => $this->l('Sends your orders to Mostrador and signs logged-in customers. Leave empty to keep the saved one.')),
            ),
            'submit' => array('title' => $this->l('Save')),
        ));
        return $output . $helper->generateForm(array($form));
    }
}
