// Plays HLS masters with hls.js in Debian's headless Chromium, each from start to end at a raised
// playback rate, and prints one JSON line per master with what happened. One browser plays every
// master, a fresh tab each, a few tabs at a time.
//
// usage: node play-through.mjs <playback-rate> <tabs-at-once> <master-url>...
import { servePage, launchChromium } from './page.mjs';

const [rateArg, tabsArg, ...masters] = process.argv.slice(2);
if (!rateArg || !tabsArg || masters.length === 0) {
  console.error('usage: node play-through.mjs <playback-rate> <tabs-at-once> <master-url>...');
  process.exit(2);
}
const rate = Number(rateArg);
const tabsAtOnce = Math.max(1, Number(tabsArg));
const page = await servePage();
const pageUrl = page.url;
const browser = await launchChromium();

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
          // attaching a source reloads the element, which resets playbackRate to the default
          video.defaultPlaybackRate = rate;
          video.playbackRate = rate;
          video.play().catch((e) => out.errors.push('play: ' + e));
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
  page.close();
}
