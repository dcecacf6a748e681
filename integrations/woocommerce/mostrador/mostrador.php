<?php
/**
 * Plugin Name: Mostrador live chat
 * Description: Live chat that knows your WooCommerce orders. Prints the Mostrador widget and tells it who a logged-in customer is (signed, so their orders can be shown to them).
 * Version: 0.1.0
 * Requires PHP: 7.4
 * Author: Mostrador
 * License: MIT
 * Text Domain: mostrador
 */

if (!defined('ABSPATH')) {
    exit;
}

require_once __DIR__ . '/includes/identity.php';

const MOSTRADOR_OPTION = 'mostrador_settings';

/** @return array{server_url: string, public_key: string, secret_key: string} */
function mostrador_settings()
{
    $saved = get_option(MOSTRADOR_OPTION, array());
    return array(
        'server_url' => isset($saved['server_url']) ? (string) $saved['server_url'] : '',
        'public_key' => isset($saved['public_key']) ? (string) $saved['public_key'] : '',
        'secret_key' => isset($saved['secret_key']) ? (string) $saved['secret_key'] : '',
    );
}

/** The widget on every storefront page; identify only for a logged-in customer. */
function mostrador_print_snippet()
{
    if (is_admin()) {
        return;
    }
    $settings = mostrador_settings();
    $payload = null;
    if (is_user_logged_in()) {
        $user = wp_get_current_user();
        $name = trim($user->first_name . ' ' . $user->last_name);
        $payload = mostrador_identify_payload($user->ID, $user->user_email, $name !== '' ? $name : $user->display_name, $settings['secret_key']);
    }
    // Built from validated settings and JSON-encoded values only (see includes/identity.php).
    echo mostrador_snippet($settings['server_url'], $settings['public_key'], $payload); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
}
add_action('wp_footer', 'mostrador_print_snippet');

/** A logged-in page carries a per-user hash: keep page caches from serving it to someone else. */
function mostrador_no_cache_for_customers()
{
    if (!is_admin() && is_user_logged_in()) {
        nocache_headers();
    }
}
add_action('template_redirect', 'mostrador_no_cache_for_customers');

function mostrador_sanitize($input)
{
    $current = mostrador_settings();
    $out = array(
        'server_url' => esc_url_raw(trim(isset($input['server_url']) ? (string) $input['server_url'] : ''), array('https', 'http')),
        'public_key' => preg_replace('/[^A-Za-z0-9_-]/', '', isset($input['public_key']) ? (string) $input['public_key'] : ''),
        // Left empty: keep the saved key (it is never printed back into the form).
        'secret_key' => isset($input['secret_key']) && trim((string) $input['secret_key']) !== '' ? trim((string) $input['secret_key']) : $current['secret_key'],
    );
    return $out;
}

function mostrador_register_settings()
{
    register_setting('mostrador', MOSTRADOR_OPTION, array('sanitize_callback' => 'mostrador_sanitize'));
}
add_action('admin_init', 'mostrador_register_settings');

function mostrador_menu()
{
    add_options_page(__('Mostrador live chat', 'mostrador'), 'Mostrador', 'manage_options', 'mostrador', 'mostrador_settings_page');
}
add_action('admin_menu', 'mostrador_menu');

/** The one settings page: server URL, public key, secret key (write-only). */
function mostrador_settings_page()
{
    if (!current_user_can('manage_options')) {
        return;
    }
    $s = mostrador_settings();
    ?>
    <div class="wrap">
        <h1><?php esc_html_e('Mostrador live chat', 'mostrador'); ?></h1>
        <p><?php esc_html_e('Paste the values from your Mostrador console, Settings → Integrations → WooCommerce.', 'mostrador'); ?></p>
        <form method="post" action="options.php">
            <?php settings_fields('mostrador'); ?>
            <table class="form-table" role="presentation">
                <tr>
                    <th scope="row"><label for="mostrador-server"><?php esc_html_e('Mostrador server URL', 'mostrador'); ?></label></th>
                    <td><input id="mostrador-server" class="regular-text" type="url" name="<?php echo esc_attr(MOSTRADOR_OPTION); ?>[server_url]" value="<?php echo esc_attr($s['server_url']); ?>" placeholder="https://chat.example.com" required></td>
                </tr>
                <tr>
                    <th scope="row"><label for="mostrador-public"><?php esc_html_e('Public site key', 'mostrador'); ?></label></th>
                    <td><input id="mostrador-public" class="regular-text" type="text" name="<?php echo esc_attr(MOSTRADOR_OPTION); ?>[public_key]" value="<?php echo esc_attr($s['public_key']); ?>" placeholder="pk_…" required></td>
                </tr>
                <tr>
                    <th scope="row"><label for="mostrador-secret"><?php esc_html_e('Secret key', 'mostrador'); ?></label></th>
                    <td>
                        <input id="mostrador-secret" class="regular-text" type="password" autocomplete="new-password" name="<?php echo esc_attr(MOSTRADOR_OPTION); ?>[secret_key]" value="" placeholder="<?php echo $s['secret_key'] !== '' ? esc_attr__('Saved — leave empty to keep it', 'mostrador') : 'sk_…'; ?>">
                        <p class="description"><?php esc_html_e('Signs the identity of logged-in customers so the chat can show them their orders. It never leaves your server.', 'mostrador'); ?></p>
                    </td>
                </tr>
            </table>
            <?php submit_button(); ?>
        </form>
    </div>
    <?php
}
