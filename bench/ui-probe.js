/* global window, document, MutationObserver */
// The page half of `npm run bench:ui` (bench/ui.ts installs it with addInitScript, before the app's scripts run).
// Plain browser JavaScript: it runs in Chromium's page, not in Node.
//
// What it measures: from a key press (the keydown event's timeStamp, taken by the browser when the input arrived)
// to the end of the main thread's rendering update of the first frame whose DOM shows the awaited grid row:
// the row with that row-index (and row-id, when given), its cells rendered, carrying ag-row-selected (mark
// 'selected') or ag-row-focus (mark 'focused') when asked.
// "Painted" is that frame's style, layout, paint recording and commit done on the main thread; the raster and
// display that follow on other threads are not observable from the page and are not included.
//
// How: a MutationObserver sees the DOM change. If the change happened inside a requestAnimationFrame callback
// (ag-grid renders rows in its own animation frames), the frame being produced will show it, and a task posted
// now runs right after that frame's rendering update; otherwise the change waits for the next frame, so the task
// is posted from the next animation frame's callback. The task's performance.now() is the paint instant.
(() => {
  const keydowns = [];
  const bridgeCalls = [];
  const eventTimings = [];

  // First in line (capture, on window, installed before the app): every keydown's key and timeStamp.
  window.addEventListener(
    'keydown',
    (event) => keydowns.push({ key: event.key, timeStamp: event.timeStamp }),
    { capture: true },
  );

  // Whether script is running inside an animation frame callback: set around each callback, cleared by a
  // microtask queued after it, so the MutationObserver callbacks for the callback's changes still see it set.
  let inFrameCallback = false;
  const nativeRequestAnimationFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) =>
    nativeRequestAnimationFrame((time) => {
      inFrameCallback = true;
      try {
        callback(time);
      } finally {
        queueMicrotask(() => {
          inFrameCallback = false;
        });
      }
    });

  const bridgeCallName = (body) => {
    try {
      return JSON.parse(body).name ?? null;
    } catch {
      return null;
    }
  };

  // Each bridge call (POST /api/call): its name, when it was sent, and when its whole answer had arrived.
  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.includes('/api/call') || typeof init?.body !== 'string') return nativeFetch(input, init);
    const name = bridgeCallName(init.body);
    const call = { name, start: performance.now(), end: null };
    bridgeCalls.push(call);
    const response = await nativeFetch(input, init);
    void response
      .clone()
      .arrayBuffer()
      .then(
        () => (call.end = performance.now()),
        () => (call.end = performance.now()),
      );
    return response;
  };

  // The Event Timing API's view of slow keydowns (it reports only those of 16 ms or more): a cross-check.
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.name !== 'keydown') continue;
        eventTimings.push({
          startTime: entry.startTime,
          processingStart: entry.processingStart,
          processingEnd: entry.processingEnd,
          duration: entry.duration,
        });
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch {
    // Event Timing unsupported: the figures that rely on it are left out.
  }

  function awaitedRowShown(target) {
    const grid = document.querySelector('[data-testid="queue-grid"]');
    if (!grid) return false;
    for (const row of grid.querySelectorAll(`.ag-row[row-index="${target.rowIndex}"]`)) {
      if (row.classList.contains('ag-row-loading')) continue;
      if (target.rowId !== undefined && row.getAttribute('row-id') !== target.rowId) continue;
      if (target.mark === 'selected' && !row.classList.contains('ag-row-selected')) continue;
      if (target.mark === 'focused' && !row.classList.contains('ag-row-focus')) continue;
      const title = row.querySelector('[col-id="title"]');
      if (title && title.textContent.trim() !== '') return true;
    }
    return false;
  }

  let pending = null;

  /** Starts watching for `target` ({ rowIndex, rowId?, mark }) after the next keydown of `key`. */
  function arm(key, target) {
    if (pending) pending.observer.disconnect();
    const armedAt = performance.now();
    const state = { key, target, armedAt, domAt: null, paintedAt: null, observer: null, resolve: null };
    state.done = new Promise((resolve) => (state.resolve = resolve));
    const afterFramePainted = () => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        state.paintedAt = performance.now();
        state.resolve();
      };
      channel.port2.postMessage(null);
    };
    const check = () => {
      if (state.domAt !== null) return;
      const pressed = keydowns.some((entry) => entry.key === key && entry.timeStamp >= armedAt);
      if (!pressed || !awaitedRowShown(target)) return;
      state.domAt = performance.now();
      state.observer.disconnect();
      if (inFrameCallback) afterFramePainted();
      else nativeRequestAnimationFrame(afterFramePainted);
    };
    state.observer = new MutationObserver(check);
    state.observer.observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
    state.check = check;
    pending = state;
  }

  /** Waits for the armed row (at most `timeoutMs`) and says when the key was pressed and the row painted. */
  async function result(timeoutMs) {
    const state = pending;
    if (!state) throw new Error('nothing armed');
    // The row may already have been shown by the time the key's handlers returned, before any mutation.
    state.check();
    let timer;
    const timedOut = await Promise.race([
      state.done.then(() => false),
      new Promise((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    state.observer.disconnect();
    pending = null;
    const keydown = keydowns.find((entry) => entry.key === state.key && entry.timeStamp >= state.armedAt);
    const keyAt = keydown ? keydown.timeStamp : null;
    const until = state.paintedAt ?? performance.now();
    return {
      timedOut,
      keyAt,
      domAt: state.domAt,
      paintedAt: state.paintedAt,
      calls: keyAt === null ? [] : bridgeCalls.filter((call) => call.start >= keyAt && call.start <= until),
      eventTiming: keyAt === null ? null : (eventTimings.find((entry) => entry.startTime === keyAt) ?? null),
    };
  }

  window.__dutydeskBench = { arm, result, awaitedRowShown };
})();
