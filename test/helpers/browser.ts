// A real headless Chromium for browser tests, driven by playwright-core. The browser is Debian's
// (/usr/bin/chromium): `.ci/run` installs it, and a machine without it fails here with the command that
// installs it rather than skipping the test. Playwright starts it with a fresh --user-data-dir of its
// own (a temporary profile it deletes on close; it refuses the flag in `args`).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

/** No GPU, no sandbox (CI runs as root), and nothing that would reach the network on its own. */
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `browser tests need Chromium at ${chromiumPath}: run \`apt-get update && apt-get install -y chromium\` (as root), or .ci/run`,
    );
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags, timeout: 30_000 });
}
