// Plays HLS masters with hls.js in Debian's headless Chromium, each from start to end at a raised
// playback rate, and prints one JSON line per master with what happened. One browser serves every
// master, a fresh tab each, a few tabs at a time; the page comes from a server of its own on another
// port, so every request to the edge is cross-origin.
//
// usage: node play-through.mjs <playback-rate> <tabs-at-once> <master-url>...
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [rateArg, tabsArg, ...masters] = process.argv.slice(2);
if (!rateArg || !tabsArg || masters.length === 0) {
  console.error('usage: node play-through.mjs <playback-rate> <tabs-at-once> <master-url>...');
  process.exit(2);
}
const rate = Number(rateArg);
const tabsAtOnce = Math.max(1, Number(tabsArg));
const here = path.dirname(fileURLToPath(import.meta.url));
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
const pageUrl = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--autoplay-policy=no-user-gesture-required',
  ],
});

async function playThrough(masterUrl) {
  const consoleErrors = [];
  const tab = await browser.newPage();
  tab.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  tab.on('pageerror', (e) => consoleErrors.push(String(e)));
  try {
    await tab.goto(pageUrl);
    const result = await tab.evaluate(
      async ({ masterUrl, rate }) => {
        const video = document.getElementById('v');
        const out = { master: masterUrl, fatal: null, errors: [], ended: false, currentTime: 0 };
        if (!Hls.isSupported()) {
          out.fatal = 'no MSE';
          return out;
        }
        const hls = new Hls();
        hls.on(Hls.Events.ERROR, (_e, d) => {
          out.errors.push(d.details);
          if (d.fatal) out.fatal = d.details;
        });
        hls.on(Hls.Events.MANIFEST_PARSED, () => {
          video.playbackRate = rate;
          video.play().catch((e) => out.errors.push('play: ' + e));
        });
        // hls.js sets the rate back on some transitions; keep it where it was asked to be
        video.addEventListener('ratechange', () => {
          if (video.playbackRate !== rate) video.playbackRate = rate;
        });
        const t0 = performance.now();
        hls.attachMedia(video);
        hls.loadSource(masterUrl);
        // the whole asset at `rate`, bounded: a stall shows as ended=false, not as a hang
        let limit = 60000;
        while (performance.now() - t0 < limit && out.fatal === null && !video.ended) {
          if (Number.isFinite(video.duration)) limit = (video.duration / rate) * 1000 + 30000;
          await new Promise((r) => setTimeout(r, 100));
        }
        out.ended = video.ended;
        out.currentTime = video.currentTime;
        out.duration = Number.isFinite(video.duration) ? video.duration : null;
        out.videoWidth = video.videoWidth;
        out.videoHeight = video.videoHeight;
        out.decodedFrames = video.getVideoPlaybackQuality().totalVideoFrames;
        out.wallMs = Math.round(performance.now() - t0);
        hls.destroy();
        return out;
      },
      { masterUrl, rate },
    );
    result.consoleErrors = consoleErrors;
    return result;
  } finally {
    await tab.close();
  }
}

try {
  const queue = [...masters];
  const workers = Array.from({ length: Math.min(tabsAtOnce, masters.length) }, async () => {
    for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
      console.log(JSON.stringify(await playThrough(m)));
    }
  });
  await Promise.all(workers);
} finally {
  await browser.close();
  server.close();
}
