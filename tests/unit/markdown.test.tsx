import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Markdown, parseMarkdown, safeHref } from '../../shared/markdown';

afterEach(cleanup);

const html = (text: string) => render(<div class="text"><Markdown text={text} /></div>).container.innerHTML;

describe('parseMarkdown', () => {
  it('reads bold, italic, links and lists', () => {
    expect(parseMarkdown('**Hola** _mundo_ *ya*')).toEqual([
      { t: 'p', c: [{ t: 'b', c: ['Hola'] }, ' ', { t: 'i', c: ['mundo'] }, ' ', { t: 'i', c: ['ya'] }] },
    ]);
    expect(parseMarkdown('Mira [la guía](https://shop.example/guia) y https://shop.example/envios.')).toEqual([
      {
        t: 'p',
        c: ['Mira ', { t: 'a', href: 'https://shop.example/guia', c: ['la guía'] }, ' y ', { t: 'a', href: 'https://shop.example/envios', c: ['https://shop.example/envios'] }, '.'],
      },
    ]);
    expect(parseMarkdown('Pasos:\n- uno\n- **dos**\n1. a\n2) b\nFin')).toEqual([
      { t: 'p', c: ['Pasos:'] },
      { t: 'ul', items: [['uno'], [{ t: 'b', c: ['dos'] }]] },
      { t: 'ol', items: [['a'], ['b']] },
      { t: 'p', c: ['Fin'] },
    ]);
  });

  it('leaves text that only looks like marks as written', () => {
    expect(parseMarkdown('snake_case_name and 2 * 3 * 4')).toEqual([{ t: 'p', c: ['snake_case_name and 2 * 3 * 4'] }]);
    expect(parseMarkdown('\\*not italic\\* **open')).toEqual([{ t: 'p', c: ['*not italic* **open'] }]);
    expect(parseMarkdown('line one\n\nline two')).toEqual([{ t: 'p', c: ['line one\n\nline two'] }]);
  });

  it('links only http(s) and mailto', () => {
    expect(safeHref('https://a.example/x')).toBe('https://a.example/x');
    expect(safeHref('mailto:hola@a.example')).toBe('mailto:hola@a.example');
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '//evil.example', 'file:///etc/passwd', 'not a url']) {
      expect(safeHref(bad), bad).toBeNull();
    }
  });

  it('stays linear on hostile input', () => {
    const started = performance.now();
    for (const text of ['*'.repeat(4000), '_a'.repeat(2000), '[]('.repeat(1300), '**a'.repeat(1300), 'https://'.repeat(500), '[x](https://a.example/'.repeat(180)]) parseMarkdown(text);
    expect(performance.now() - started).toBeLessThan(500);
    expect(parseMarkdown('*'.repeat(20))).toEqual([{ t: 'p', c: ['*'.repeat(20)] }]);
  });
});

describe('Markdown (elements)', () => {
  it('renders marks as elements and user HTML as text', () => {
    const out = html('**<img src=x onerror=alert(1)>** <script>alert(1)</script> _<b>x</b>_');
    expect(out).toContain('<strong>&lt;img src=x onerror=alert(1)&gt;</strong>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('<em>&lt;b&gt;x&lt;/b&gt;</em>');
    expect(out).not.toMatch(/<(img|script|b)[\s>]/);
  });

  it('never makes a dangerous link, and marks every link noopener noreferrer nofollow in a new tab', () => {
    const hostile = [
      '[click](javascript:alert(1))',
      '[click](JAVASCRIPT:alert(1))',
      '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[click](javascript&#58;alert(1))',
      '[x](https://ok.example" onmouseover="alert(1))',
      '[**x**](vbscript:msgbox)',
      'javascript:alert(1)',
    ];
    for (const text of hostile) {
      const { container } = render(<div><Markdown text={text} /></div>);
      for (const a of container.querySelectorAll('a')) expect(a.getAttribute('href'), text).toMatch(/^(https?|mailto):/);
      expect(container.querySelector('[onmouseover]'), text).toBeNull();
      cleanup();
    }
    const { container } = render(<div><Markdown text="[aquí](https://shop.example/a?b=1&c=<2>) o escríbenos: [email](mailto:hola@shop.example)" /></div>);
    const links = [...container.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://shop.example/a?b=1&c=%3C2%3E', 'mailto:hola@shop.example']);
    for (const a of links) {
      expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
      expect(a.getAttribute('target')).toBe('_blank');
    }
  });

  it('renders lists as lists', () => {
    const { container } = render(<div><Markdown text={'Opciones:\n- Envío\n- Devolución'} /></div>);
    expect([...container.querySelectorAll('ul > li')].map((li) => li.textContent)).toEqual(['Envío', 'Devolución']);
    expect(container.querySelector('p')!.textContent).toBe('Opciones:');
  });
});
