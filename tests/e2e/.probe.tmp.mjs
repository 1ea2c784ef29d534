import { mkdtempSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [url, out, width = '1280', scheme = 'light'] = process.argv.slice(2);
const ctx = await chromium.launchPersistentContext(mkdtempSync('/tmp/qe-'), {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
  headless: true,
  viewport: { width: +width, height: 900 },
  colorScheme: scheme,
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
page.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') console.log('console', m.type(), m.text());
});
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(url);
const ready = async () => {
  for (const c of ['a', 'b'])
    await page.waitForSelector(`[data-testid="scheme-panel-${c}"][data-ready="true"]`, { timeout: 20000 });
};
await ready();
const mse = async (c) => page.getByTestId(`metric-mse-${c}`).getAttribute('data-value');
console.log('mse a', await mse('a'), 'b', await mse('b'));
await page.getByRole('slider', { name: 'Scheme A bits' }).focus();
for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
await page.waitForTimeout(200);
await ready();
console.log('mse a 4 bits', await mse('a'));
await page.getByTestId('scheme-panel-a').getByRole('radio', { name: 'Row' }).check();
await page.waitForTimeout(200);
await ready();
console.log('mse a row', await mse('a'));
await page.getByTestId('scheme-b-clipping').selectOption('manual');
await page.waitForTimeout(300);
await ready();
console.log('clipped b', await page.getByTestId('metric-clipped-b').getAttribute('data-value'));
const hi = page.locator('[data-testid="histogram-b"] g.clip-hi');
await hi.scrollIntoViewIfNeeded();
const box = await hi.boundingBox();
console.log('hi box', box);
await page.mouse.move(box.x + box.width / 2, box.y + 30);
await page.mouse.down();
await page.mouse.move(box.x - 60, box.y + 30, { steps: 8 });
await page.mouse.up();
await page.waitForTimeout(300);
await ready();
console.log('clipped b after drag', await page.getByTestId('metric-clipped-b').getAttribute('data-value'));
await page.getByTestId('zoom-central').click();
await page.waitForTimeout(300);
await ready();
await hi.focus();
for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
await page.waitForTimeout(300);
await ready();
console.log('clipped b after keys', await page.getByTestId('metric-clipped-b').getAttribute('data-value'));
await page.screenshot({ path: out, fullPage: true });
await ctx.close();
