/** Settings operations that fail say why in the console's language, never in the server's English (issue 16). */
import { describe, expect, it } from 'vitest';
import { CONSOLE_STRINGS } from '../../shared/i18n';
import { operationError } from '../../console/ui/settings/feedback';

const fail = (over: { status?: number; code?: string; reason?: string }) => ({ ok: false as const, error: 'the English words of the server', ...over });

describe('operationError', () => {
  it('translates the problem codes and statuses a settings operation meets', () => {
    const es = CONSOLE_STRINGS.es;
    expect(operationError(fail({}), es)).toBe(es.networkError);
    expect(operationError(fail({ status: 409, code: 'nothing_to_retire' }), es)).toBe('No hay ninguna clave anterior que retirar.');
    expect(operationError(fail({ status: 409, code: 'not_ready', reason: 'not_saved' }), es)).toBe('Guarda primero la configuración.');
    expect(operationError(fail({ status: 409, code: 'not_ready', reason: 'push_only' }), es)).toContain('PrestaShop envía sus pedidos');
    expect(operationError(fail({ status: 409, code: 'not_ready', reason: 'incomplete' }), es)).toContain('Completa primero');
    expect(operationError(fail({ status: 403, code: 'csrf' }), es)).toBe(es.op_csrf);
    expect(operationError(fail({ status: 401, code: 'unauthorized' }), es)).toBe(es.op_signedOut);
    expect(operationError(fail({ status: 404 }), es)).toBe(es.op_notFound);
    expect(operationError(fail({ status: 503 }), es)).toBe(es.op_server);
    expect(operationError(fail({ status: 418 }), es)).toBe('No ha funcionado (error 418).');
    expect(operationError(fail({ status: 409, code: 'not_ready', reason: 'not_saved' }), CONSOLE_STRINGS.en)).toBe('Save the settings first.');
  });

  it('never shows the server’s words', () => {
    for (const over of [{}, { status: 409, code: 'not_ready' }, { status: 500 }, { status: 422, code: 'validation_failed' }]) {
      for (const t of [CONSOLE_STRINGS.es, CONSOLE_STRINGS.en]) expect(operationError(fail(over), t)).not.toContain('English');
    }
  });
});
