// Opens the Temporal Web UI in headless Chromium and checks that it shows a migration:
// the workflow list filtered by a search attribute query finds it, and its page names the type.
// Usage: node webui.mjs UI_URL WORKFLOW_ID QUERY [SCREENSHOT.png]
// Exit 0 when both are seen; 1 with the reason otherwise.
import { chromium } from 'playwright-core';

const [ui, id, query, screenshot] = process.argv.slice(2);
if (!ui || !id || !query) {
  console.error('usage: node webui.mjs UI_URL WORKFLOW_ID QUERY [SCREENSHOT.png]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // No sandbox as root; no background connections (the network is closed).
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-quic', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  const list = `${ui}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
  await page.goto(list);
  // A guard against hanging, not a timing assertion: the UI loads its data after the page.
  await page.getByText(id, { exact: true }).first().waitFor({ timeout: 60000 });
  console.log(`list ${query}: shows ${id}`);
  await page.goto(`${ui}/namespaces/default/workflows/${encodeURIComponent(id)}`);
  await page.getByText('MigrationWorkflow').first().waitFor({ timeout: 60000 });
  console.log(`workflow page of ${id}: shows MigrationWorkflow`);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
} catch (e) {
  console.error(`web UI check failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
