import { describe, expect, it } from 'vitest';
import { messageLanguage, normalizeForNlu, understand } from '../../../server/domain/nlu';
import { editDistance, tokenize, Vocabulary } from '../../../server/domain/nlu/text';

describe('normalizeForNlu', () => {
  it.each([
    ['¿Dónde está mi PEDIDO?', 'donde esta mi pedido'],
    ['Holaaaa!!! 👋', 'hola emowave'],
    ["where's my package??", 'wheres my package'],
    ['pedido #1001, email Ana@Example.com', 'pedido numtok email emailtok'],
    ['gracias 🙏🙏', 'gracias emothanks emothanks'],
    ['Año 24h', 'ano'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeForNlu(input)).toBe(expected);
  });
});

describe('tokenize', () => {
  it('expands chat spellings and contractions', () => {
    expect(tokenize(normalizeForNlu('q pasa xq no llega, porfa'))).toEqual(['que', 'pasa', 'porque', 'no', 'llega', 'por', 'favor']);
    expect(tokenize(normalizeForNlu("wheres my order? it hasn't come, thx"))).toEqual(['where', 'is', 'my', 'order', 'it', 'has', 'not', 'come', 'thanks']);
  });
});

describe('Vocabulary.correct', () => {
  const v = new Vocabulary();
  for (const w of ['devolucion', 'pedido', 'gracias', 'envios', 'tarda', 'refund']) v.add(w);

  it('fixes one edit in short words and two in long ones', () => {
    expect(v.correct('pdido')).toBe('pedido');
    expect(v.correct('grasias')).toBe('gracias');
    expect(v.correct('debolusion')).toBe('devolucion');
    expect(v.correct('refnud')).toBe('refund');
  });

  it('leaves alone a form of a known word (its stem is known), short words and strangers', () => {
    expect(v.correct('pedidos')).toBe('pedidos');
    expect(v.correct('enviar')).toBe('enviar');
    expect(v.correct('tarde')).toBe('tarde');
    expect(v.correct('ola')).toBe('ola');
    expect(v.correct('zzzzzz')).toBe('zzzzzz');
  });

  it('counts a swap of two letters as one edit', () => {
    expect(editDistance('pedido', 'pedidio', 2)).toBe(1);
    expect(editDistance('abcd', 'badc', 2)).toBe(2);
    expect(editDistance('refund', 'refnud', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});

describe('messageLanguage', () => {
  it.each<[string, 'es' | 'en' | null]>([
    ["where's my package??", 'en'],
    ['no quiero hablar con una máquina', 'es'],
    ['aceptan bizum?', 'es'],
    ['thx', 'en'],
    ['1001', null],
    ['ok', null],
    ['👋', null],
  ])('%j → %s', (text, language) => {
    expect(messageLanguage(text)).toBe(language);
  });
});

describe('understand', () => {
  it('is sure of what it was taught and unsure of gibberish', () => {
    const sure = understand('I want to cancel my order');
    expect(sure.intent).toBe('cancel_order');
    expect(sure.confidence).toBeGreaterThan(0.7);
    expect(understand('xkcdqw plorf').confidence).toBeLessThan(0.5);
  });

  it('prefers the FAQ entry in the message language, else in the preferred one', () => {
    const faqs = [
      { id: 'pay-es', locale: 'es' as const, question: '¿Qué formas de pago aceptáis?', keywords: ['paypal'] },
      { id: 'pay-en', locale: 'en' as const, question: 'Which payment methods do you accept?', keywords: ['paypal'] },
    ];
    expect(understand('can I pay with paypal?', faqs).faq?.entry.id).toBe('pay-en');
    expect(understand('¿se puede con paypal?', faqs).faq?.entry.id).toBe('pay-es');
    expect(understand('paypal', faqs, 'en').faq?.entry.id).toBe('pay-en');
  });

  it('matches a keyword phrase only with its words together', () => {
    const faqs = [{ id: 'gift', locale: 'es' as const, question: '¿Envolvéis para regalo?', keywords: ['para regalo'] }];
    expect(understand('lo quiero envuelto para regalo', faqs).faq?.keyword).toBe(true);
    expect(understand('es para un regalo de mi madre', faqs).faq?.keyword ?? false).toBe(false);
  });
});
