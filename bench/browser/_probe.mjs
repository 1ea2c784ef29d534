import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, serveDist } from '/work/main/bench/browser/harness.mjs';

const server = await serveDist({ dir: process.argv[2] ?? '/work/main/dist' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const page = await browser.newPage();
page.on('console', (m) => console.log('console', m.text()));
await page.goto(server.url);
await page.waitForSelector('[data-testid="scheme-panel-a"][data-ready="true"]', { timeout: 60000 });
const slider = page.getByRole('slider', { name: 'Scheme A bits' });
await slider.focus();
for (let i = 0; i < 6; i++) {
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(500);
  const attrs = await page.evaluate(() => {
    const p = document.querySelector('[data-testid="scheme-panel-a"]');
    const chip = p.querySelector('[data-pass]');
    return [
      p.dataset.onPage,
      p.dataset.result,
      p.dataset.elapsedMs,
      chip?.dataset.pass,
      chip?.getAttribute('title'),
    ];
  });
  console.log(attrs);
}
await browser.close();
server.close?.();
process.exit(0);
