// What both player scripts share: a page that loads hls.js, served from a server of its own on
// another port than the edge's (so every request to the edge is cross-origin and goes through
// CORS), and Debian's headless Chromium.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Serves the player page; resolves to its URL and a close function. */
export async function servePage() {
  const hlsJs = fs.readFileSync(path.join(here, 'node_modules/hls.js/dist/hls.min.js'));
  const page = `<!doctype html><html><body><video id="v" muted playsinline></video>
<script src="/hls.min.js"></script></body></html>`;
  const server = http.createServer((req, res) => {
    if (req.url === '/hls.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end(); // so that the console holds only what the player caused
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

// Without the background-networking flags Chromium keeps dialling Google on a closed network.
// playwright gives the browser a fresh, empty profile of its own.
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}
