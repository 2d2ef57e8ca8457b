// Opens a workflow in the Temporal Web UI (dev server started with --ui-codec-endpoint) in headless
// Chromium and checks what the UI shows of its encrypted input:
//  1. the UI calls the codec server without a bearer token: refused (401), the UI shows the input
//     as ciphertext (encoding binary/encrypted);
//  2. with "Authorization: Bearer TOKEN" added to the UI's requests to the codec endpoint (what
//     the UI's "pass access token" option, or an authenticating proxy in front of the codec
//     server, does): the UI shows the decrypted input, which contains TEXT.
// Usage: node codec.mjs UI_URL WORKFLOW_ID TEXT CODEC_URL TOKEN [SCREENSHOT_PREFIX]
// Exit 0 when both are seen; 1 with the reason otherwise.
import { chromium } from 'playwright-core';

const [ui, id, text, codec, token, shots] = process.argv.slice(2);
if (!ui || !id || !text || !codec || !token) {
  console.error('usage: node codec.mjs UI_URL WORKFLOW_ID TEXT CODEC_URL TOKEN [SCREENSHOT_PREFIX]');
  process.exit(2);
}
// base64 of "binary/encrypted", as the UI prints an undecoded payload's metadata
const ENCRYPTED = Buffer.from('binary/encrypted').toString('base64');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-quic', '--no-first-run'],
});
const workflowPage = `${ui}/namespaces/default/workflows/${encodeURIComponent(id)}`;
try {
  const codecCalls = [];
  const refused = await browser.newPage();
  refused.on('response', (r) => { if (r.url().startsWith(codec)) codecCalls.push(r.status()); });
  await refused.goto(workflowPage);
  // Guards against hanging, not timing assertions: the UI loads its data after the page.
  await refused.getByText(ENCRYPTED).first().waitFor({ timeout: 60000 });
  if (await refused.getByText(text).count() > 0) throw new Error(`"${text}" shown although the codec server refused`);
  if (!codecCalls.includes(401)) throw new Error(`the codec server did not answer 401 (got ${codecCalls})`);
  console.log(`without a token: codec server answered ${codecCalls}, the input stays encrypted`);
  if (shots) await refused.screenshot({ path: `${shots}-refused.png`, fullPage: true });

  const authorized = await browser.newPage();
  const statuses = [];
  authorized.on('response', (r) => { if (r.url().startsWith(codec)) statuses.push(r.status()); });
  await authorized.route((u) => u.href.startsWith(codec), (route) => route.continue({
    headers: { ...route.request().headers(), authorization: `Bearer ${token}` },
  }));
  await authorized.goto(workflowPage);
  await authorized.getByText(text).first().waitFor({ timeout: 60000 });
  console.log(`with the token: codec server answered ${statuses}, the input shows "${text}"`);
  if (shots) await authorized.screenshot({ path: `${shots}-decoded.png`, fullPage: true });
} catch (e) {
  console.error(`codec check failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
