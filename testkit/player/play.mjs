// Plays an HLS master playlist with hls.js in Debian's headless Chromium and prints one JSON line
// with what happened. The page comes from a server of its own on another port, so every request
// to the edge is cross-origin and goes through CORS (and, with CMCD headers, the preflight).
//
// usage: node play.mjs <master-url> <seconds> <cmcd-session-id> <cmcd-content-id> [headers|query]
import { servePage, launchChromium } from './page.mjs';

const [masterUrl, secondsArg, sessionId, contentId, cmcdMode = 'headers'] = process.argv.slice(2);
if (!masterUrl || !secondsArg || !sessionId || !contentId) {
  console.error('usage: node play.mjs <master-url> <seconds> <session-id> <content-id> [headers|query]');
  process.exit(2);
}
const seconds = Number(secondsArg);
const page = await servePage();
const pageUrl = page.url;
const browser = await launchChromium();
const consoleErrors = [];
let result;
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  tab.on('pageerror', (e) => consoleErrors.push(String(e)));
  await tab.goto(pageUrl);
  result = await tab.evaluate(
    async ({ masterUrl, seconds, sessionId, contentId, cmcdMode }) => {
      const video = document.getElementById('v');
      const out = {
        hlsVersion: Hls.version,
        mseSupported: Hls.isSupported(),
        errors: [],
        fatal: null,
        levels: 0,
        fragsLoaded: 0,
        currentTime: 0,
        startupMs: null,
        waitedMs: 0,
      };
      if (!out.mseSupported) return out;
      const hls = new Hls({
        cmcd: { sessionId, contentId, useHeaders: cmcdMode === 'headers' },
      });
      hls.on(Hls.Events.ERROR, (_e, d) => {
        out.errors.push({ type: d.type, details: d.details, fatal: d.fatal });
        if (d.fatal) out.fatal = d.details;
      });
      hls.on(Hls.Events.MANIFEST_PARSED, (_e, d) => {
        out.levels = d.levels.length;
        video.play().catch((e) => out.errors.push({ type: 'play', details: String(e), fatal: false }));
      });
      hls.on(Hls.Events.FRAG_LOADED, () => { out.fragsLoaded++; });
      const t0 = performance.now();
      video.addEventListener('playing', () => {
        if (out.startupMs === null) out.startupMs = Math.round(performance.now() - t0);
      });
      hls.attachMedia(video);
      hls.loadSource(masterUrl);
      // Real time: playback must actually advance `seconds` of media, bounded by a generous wait.
      const deadline = t0 + seconds * 1000 + 45000;
      while (performance.now() < deadline && out.fatal === null && video.currentTime < seconds
             && !video.ended) {
        await new Promise((r) => setTimeout(r, 200));
      }
      out.currentTime = video.currentTime;
      out.ended = video.ended;
      out.waitedMs = Math.round(performance.now() - t0);
      out.videoWidth = video.videoWidth;
      out.videoHeight = video.videoHeight;
      hls.destroy();
      return out;
    },
    { masterUrl, seconds, sessionId, contentId, cmcdMode },
  );
} finally {
  await browser.close();
  page.close();
}
result.consoleErrors = consoleErrors;
console.log(JSON.stringify(result));
