// ansible-tap's HTML report: the timeline drawn on a canvas, the filters
// and the search, and sortable tables. Everything it reads is in the page.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const data = JSON.parse($('timeline-data').textContent);

  // The filter, as the form sets it. Texts are matched lower case.
  const filter = { query: '', host: '', play: -1, statuses: new Set(data.statuses) };

  let totalBars = 0;
  for (const row of data.rows) totalBars += row.bars.length / 4;

  // The timeline: one row per host and play, one bar per result. Only the
  // rows in view are drawn, so that 50,000 bars cost no more than a screen.
  const timeline = (function () {
    const ROW = 18, AXIS = 24, PAD = 10;
    const canvas = $('timeline'), scroller = $('tl-scroll'), spacer = $('tl-spacer');
    const tip = $('tl-tip'), live = $('tl-live');
    const ctx = canvas.getContext('2d');
    const hostNames = data.hosts.map((h) => h.toLowerCase());
    const taskNames = data.tasks.map((t) => t.name.toLowerCase());
    const playNames = data.plays.map((p) => p.name.toLowerCase());
    let rows = [];        // {play} for a play's heading, {play, row, bars} for a host
    let shownBars = 0;
    let cursor = null;    // {row, bar}: the bar the keyboard is on
    let width = 0, height = 0, label = 0, scale = 1, frame = 0, rendered = false;
    // The time in view: the whole run, or a part of it when zoomed in.
    const whole = Math.max(data.end, 1), least = Math.max(whole / 5000, 10);
    let viewStart = 0, viewSpan = whole;
    let colors = {};

    function readColors() {
      const style = getComputedStyle(document.documentElement);
      const v = (name) => style.getPropertyValue(name).trim();
      colors = { fg: v('--fg'), muted: v('--muted'), grid: v('--grid'), panel: v('--panel'), accent: v('--accent') };
      colors.status = data.statuses.map((s) => v('--s-' + s));
    }

    function update() {
      const q = filter.query;
      rows = [];
      shownBars = 0;
      let lastPlay = -1;
      for (const r of data.rows) {
        if (filter.play >= 0 && r.play !== filter.play) continue;
        if (filter.host && !hostNames[r.host].includes(filter.host)) continue;
        const whole = !q || hostNames[r.host].includes(q) || playNames[r.play].includes(q);
        const bars = [];
        for (let i = 0; i < r.bars.length; i += 4) {
          if (!filter.statuses.has(data.statuses[r.bars[i + 3]])) continue;
          if (!whole && !taskNames[r.bars[i]].includes(q)) continue;
          bars.push(i);
        }
        if (bars.length === 0) continue;
        if (r.play !== lastPlay) {
          rows.push({ play: r.play });
          lastPlay = r.play;
        }
        rows.push({ play: r.play, row: r, bars });
        shownBars += bars.length;
      }
      cursor = null;
      hideTip();
      canvas.dataset.bars = shownBars;
      canvas.dataset.rows = rows.length;
      $('tl-count').textContent = shownBars === totalBars ? String(totalBars) : shownBars + ' of ' + totalBars;
      layout();
    }

    function layout() {
      width = scroller.clientWidth;
      const full = AXIS + rows.length * ROW;
      height = Math.min(full, Math.max(240, Math.round(window.innerHeight * 0.7)));
      const dpr = window.devicePixelRatio || 1;
      scroller.style.height = height + 'px';
      canvas.style.height = height + 'px';
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      spacer.style.height = (full - height) + 'px';
      label = Math.round(Math.min(240, Math.max(110, width * 0.2)));
      rescale();
      draw();
    }

    function schedule() {
      if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(); });
    }

    function rescale() { scale = (width - label - PAD * 2) / viewSpan; }

    function x(ms) { return label + PAD + (ms - viewStart) * scale; }

    // view shows span milliseconds from start, within the run.
    function view(start, span) {
      viewSpan = Math.min(whole, Math.max(least, span));
      viewStart = Math.min(whole - viewSpan, Math.max(0, start));
      rescale();
      hideTip();
      draw();
      canvas.dataset.span = Math.round(viewSpan);
      $('tl-fit').disabled = viewSpan === whole;
    }

    // zoom narrows the view by factor around the time at, which keeps its place.
    function zoom(factor, at) {
      const span = Math.min(whole, Math.max(least, viewSpan / factor));
      view(at - (at - viewStart) * span / viewSpan, span);
    }

    function centre() {
      if (cursor) {
        const o = rows[cursor.row].bars[cursor.bar], b = rows[cursor.row].row.bars;
        return b[o + 1] + b[o + 2] / 2;
      }
      return viewStart + viewSpan / 2;
    }

    function fit(text, max) {
      if (ctx.measureText(text).width <= max) return text;
      let lo = 0, hi = text.length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ctx.measureText(text.slice(0, mid) + '…').width <= max) lo = mid; else hi = mid - 1;
      }
      return text.slice(0, lo) + '…';
    }

    // step is a round tick interval in milliseconds for about n ticks.
    function step(n) {
      const raw = Math.max(viewSpan / n, 1);
      const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000,
        120000, 300000, 600000, 900000, 1800000, 3600000, 7200000, 14400000, 43200000, 86400000];
      return steps.find((s) => s >= raw) || raw;
    }

    function drawAxis() {
      const every = step(Math.max(2, Math.floor((width - label) / 90)));
      ctx.font = '11px ' + getComputedStyle(document.body).fontFamily;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'center';
      for (let t = Math.ceil(viewStart / every) * every; t <= viewStart + viewSpan; t += every) {
        const px = Math.round(x(t)) + 0.5;
        ctx.fillStyle = colors.grid;
        ctx.fillRect(px, AXIS, 1, height - AXIS);
        ctx.fillStyle = colors.muted;
        ctx.fillText(tick(t, every), px, AXIS / 2);
      }
      ctx.fillStyle = colors.grid;
      ctx.fillRect(0, AXIS - 1, width, 1);
    }

    // tick labels a time of the axis, ticks being every ms apart: 0 s,
    // 0.5 s, 10 s, 1 min 30 s, 2 h.
    function tick(t, every) {
      if (every < 1000) return (t / 1000).toFixed(every < 100 ? 2 : 1) + ' s';
      const s = Math.round(t / 1000);
      if (s < 60) return s + ' s';
      if (s < 3600) return Math.floor(s / 60) + ' min' + (s % 60 ? ' ' + (s % 60) + ' s' : '');
      const m = Math.round(s / 60);
      return Math.floor(m / 60) + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : '');
    }

    function draw() {
      ctx.clearRect(0, 0, width, height);
      drawAxis();
      const top = scroller.scrollTop;
      const first = Math.max(0, Math.floor(top / ROW));
      const last = Math.min(rows.length, Math.ceil((top + height - AXIS) / ROW));
      const font = getComputedStyle(document.body).fontFamily;
      let drawn = 0;
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, AXIS, width, height - AXIS);
      ctx.clip();
      ctx.textAlign = 'left';
      for (let i = first; i < last; i++) {
        const y = AXIS + i * ROW - top;
        const r = rows[i];
        if (!r.row) {
          ctx.fillStyle = colors.panel;
          ctx.fillRect(0, y, width, ROW);
          ctx.fillStyle = colors.fg;
          ctx.font = '600 12px ' + font;
          ctx.fillText(fit('▸ ' + data.plays[r.play].name, width - 2 * PAD), 4, y + ROW / 2);
          continue;
        }
        ctx.fillStyle = colors.muted;
        ctx.font = '12px ' + font;
        ctx.fillText(fit(data.hosts[r.row.host], label - 8), 4, y + ROW / 2);
      }
      // The bars, within the plot: zoomed in, some lie partly out of view.
      ctx.beginPath();
      ctx.rect(label, AXIS, width - label, height - AXIS);
      ctx.clip();
      const end = viewStart + viewSpan;
      for (let i = first; i < last; i++) {
        const r = rows[i];
        if (!r.row) continue;
        const y = AXIS + i * ROW - top;
        const b = r.row.bars;
        for (const o of r.bars) {
          if (b[o + 1] > end || b[o + 1] + b[o + 2] < viewStart) continue;
          ctx.fillStyle = colors.status[b[o + 3]];
          ctx.fillRect(x(b[o + 1]), y + 3, Math.max(2, b[o + 2] * scale), ROW - 6);
          drawn++;
        }
      }
      if (cursor && cursor.row >= first && cursor.row < last) {
        const o = rows[cursor.row].bars[cursor.bar], b = rows[cursor.row].row.bars;
        ctx.strokeStyle = colors.accent;
        ctx.lineWidth = 2;
        ctx.strokeRect(x(b[o + 1]) - 2, AXIS + cursor.row * ROW - top + 1, Math.max(2, b[o + 2] * scale) + 4, ROW - 2);
      }
      ctx.restore();
      canvas.dataset.drawn = drawn;
      if (!rendered) {
        rendered = true;
        document.documentElement.dataset.firstRender = String(Math.round(performance.now()));
      }
    }

    // barAt returns the bar under a point of the canvas, or null.
    function barAt(px, py) {
      if (py < AXIS || px < label) return null;
      const i = Math.floor((py - AXIS + scroller.scrollTop) / ROW);
      const r = rows[i];
      if (!r || !r.row) return null;
      let best = null, bestDistance = 4;
      r.bars.forEach((o, k) => {
        const x0 = x(r.row.bars[o + 1]), x1 = x0 + Math.max(2, r.row.bars[o + 2] * scale);
        const d = px < x0 ? x0 - px : px > x1 ? px - x1 : 0;
        if (d < bestDistance) { best = k; bestDistance = d; }
      });
      return best === null ? null : { row: i, bar: best };
    }

    function describe(c) {
      const r = rows[c.row], o = r.bars[c.bar], b = r.row.bars;
      const task = data.tasks[b[o]];
      return {
        title: task.name || '(unnamed task)',
        lines: [
          data.hosts[r.row.host] + ' · ' + data.statuses[b[o + 3]] + (task.handler ? ' · handler' : ''),
          duration(b[o + 2]) + ', from ' + duration(b[o + 1]) + ' to ' + duration(b[o + 1] + b[o + 2]),
          data.plays[task.play] ? data.plays[task.play].name : '',
          task.path || '',
        ].filter(Boolean),
      };
    }

    function showTip(c, announce) {
      const d = describe(c);
      tip.replaceChildren();
      const title = document.createElement('b');
      title.textContent = d.title;
      tip.append(title);
      for (const line of d.lines) {
        const span = document.createElement('span');
        span.textContent = line;
        tip.append(span);
      }
      tip.hidden = false;
      // The tip is placed in the section, below the bar or, near the
      // bottom of the timeline, above it.
      const o = rows[c.row].bars[c.bar], b = rows[c.row].row.bars;
      const box = canvas.getBoundingClientRect(), section = tip.offsetParent.getBoundingClientRect();
      const y = AXIS + (c.row + 1) * ROW - scroller.scrollTop + 4;
      const top = y + tip.offsetHeight > height ? y - ROW - tip.offsetHeight - 8 : y;
      tip.style.left = (box.left - section.left + Math.max(0, Math.min(x(b[o + 1]), width - tip.offsetWidth - 4))) + 'px';
      tip.style.top = (box.top - section.top + top) + 'px';
      if (announce) live.textContent = d.title + ', ' + d.lines.join(', ');
    }

    function hideTip() { tip.hidden = true; }

    function firstBar() {
      const i = rows.findIndex((r) => r.row);
      return i < 0 ? null : { row: i, bar: 0 };
    }

    // near returns the bar of row i that starts closest to time t.
    function near(i, t) {
      const r = rows[i];
      let best = 0, bestDistance = Infinity;
      r.bars.forEach((o, k) => {
        const d = Math.abs(r.row.bars[o + 1] - t);
        if (d < bestDistance) { best = k; bestDistance = d; }
      });
      return { row: i, bar: best };
    }

    function hostRow(from, by) {
      let i = from;
      for (let n = Math.abs(by); n > 0;) {
        const next = i + Math.sign(by);
        if (next < 0 || next >= rows.length) break;
        i = next;
        if (rows[i].row) n--;
      }
      while (!rows[i].row) i += Math.sign(by) || 1;
      return i;
    }

    function move(key) {
      const c = cursor;
      const bars = rows[c.row].bars;
      const t = rows[c.row].row.bars[bars[c.bar] + 1];
      switch (key) {
        case 'ArrowRight': return { row: c.row, bar: Math.min(c.bar + 1, bars.length - 1) };
        case 'ArrowLeft': return { row: c.row, bar: Math.max(c.bar - 1, 0) };
        case 'Home': return { row: c.row, bar: 0 };
        case 'End': return { row: c.row, bar: bars.length - 1 };
        case 'ArrowDown': return near(hostRow(c.row, 1), t);
        case 'ArrowUp': return near(hostRow(c.row, -1), t);
        case 'PageDown': return near(hostRow(c.row, 10), t);
        case 'PageUp': return near(hostRow(c.row, -10), t);
      }
      return null;
    }

    // reveal scrolls the cursor's bar into view, and pans to it when zoomed in.
    function reveal() {
      const y = cursor.row * ROW, rowsInView = height - AXIS;
      if (y < scroller.scrollTop) scroller.scrollTop = y;
      else if (y + ROW > scroller.scrollTop + rowsInView) scroller.scrollTop = y + ROW - rowsInView;
      const o = rows[cursor.row].bars[cursor.bar], b = rows[cursor.row].row.bars;
      if (b[o + 1] < viewStart || b[o + 1] > viewStart + viewSpan) view(b[o + 1] - viewSpan / 10, viewSpan);
    }

    canvas.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { cursor = null; hideTip(); draw(); return; }
      if (!cursor) cursor = firstBar();
      if (!cursor) return;
      const zooms = { '+': 2, '=': 2, '-': 0.5, '0': 0 };
      if (e.key in zooms) {
        e.preventDefault();
        if (zooms[e.key]) zoom(zooms[e.key], centre()); else view(0, whole);
        showTip(cursor, true);
        return;
      }
      const next = move(e.key);
      if (!next) return;
      e.preventDefault();
      cursor = next;
      reveal();
      draw();
      showTip(cursor, true);
    });
    canvas.addEventListener('focus', () => {
      if (!cursor) cursor = firstBar();
      if (!cursor) return;
      reveal();
      draw();
      showTip(cursor, true);
    });
    canvas.addEventListener('blur', () => { hideTip(); });
    canvas.addEventListener('mousemove', (e) => {
      const rect = canvas.getBoundingClientRect();
      const hit = barAt(e.clientX - rect.left, e.clientY - rect.top);
      if (hit) showTip(hit, false); else hideTip();
    });
    canvas.addEventListener('mouseleave', hideTip);
    // Ctrl and the wheel zoom around the pointer; a sideways wheel, or
    // Shift and the wheel, pan. The wheel alone scrolls the hosts.
    canvas.addEventListener('wheel', (e) => {
      if (e.ctrlKey) {
        e.preventDefault();
        const at = viewStart + (e.clientX - canvas.getBoundingClientRect().left - label - PAD) / scale;
        zoom(e.deltaY < 0 ? 1.5 : 1 / 1.5, at);
      } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        view(viewStart + (e.shiftKey ? e.deltaY : e.deltaX) / scale, viewSpan);
      }
    }, { passive: false });
    $('tl-in').addEventListener('click', () => zoom(2, centre()));
    $('tl-out').addEventListener('click', () => zoom(0.5, centre()));
    $('tl-fit').addEventListener('click', () => view(0, whole));
    scroller.addEventListener('scroll', () => { hideTip(); schedule(); });
    new ResizeObserver(() => { if (scroller.clientWidth !== width) layout(); }).observe(scroller);
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => { readColors(); draw(); });

    readColors();
    $('tl-nojs').hidden = true;
    scroller.hidden = false;
    $('tl-tools').hidden = false;
    $('tl-fit').disabled = true;
    canvas.dataset.span = whole;
    update();
    return { update, total: () => shownBars };
  })();

  // duration writes milliseconds as the report does (event.DurationDocument):
  // 0.42 s, 12.3 s, 2 min 05 s, 1 h 02 min.
  function duration(ms) {
    const s = ms / 1000;
    if (s < 10) return s.toFixed(2) + ' s';
    if (s < 60) return s.toFixed(1) + ' s';
    const r = Math.round(s);
    if (r < 3600) return Math.floor(r / 60) + ' min ' + String(r % 60).padStart(2, '0') + ' s';
    const m = Math.round(s / 60);
    return Math.floor(m / 60) + ' h ' + String(m % 60).padStart(2, '0') + ' min';
  }

  // The script runs as soon as the timeline is parsed, so that it is drawn
  // while the rest of a large report loads; the lists and tables below it
  // come alive once the whole document is there.
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setUp);
  else setUp();

  function setUp() {
    setUpFilters();
    sortTables(document);
    document.documentElement.dataset.ready = String(Math.round(performance.now()));
  }

  // setUpFilters makes the form show and hide what the report lists.
  function setUpFilters() {
    // What each element the filter shows or hides is about.
    const items = Array.from(document.querySelectorAll('[data-f]'), (el) => {
      const hosts = el.dataset.host !== undefined ? el.dataset.host : el.querySelector('[data-hosts]')?.textContent;
      return {
        el,
        host: hosts === undefined ? null : hosts.toLowerCase(),
        play: el.dataset.play === undefined ? null : Number(el.dataset.play),
        statuses: el.dataset.status ? el.dataset.status.split(' ') : null,
        text: null,
      };
    });
    const groups = document.querySelectorAll('[data-fgroup]');
    const sections = Array.from(document.querySelectorAll('[data-fsection]'), (section) => ({
      count: section.querySelector('.count'),
      items: items.filter((item) => section.contains(item.el)),
    }));

    function matches(item) {
      if (filter.host && item.host !== null && !item.host.includes(filter.host)) return false;
      if (filter.play >= 0 && item.play !== null && item.play !== filter.play) return false;
      if (item.statuses && !item.statuses.some((s) => filter.statuses.has(s))) return false;
      if (filter.query) {
        if (item.text === null) item.text = item.el.textContent.toLowerCase();
        if (!item.text.includes(filter.query)) return false;
      }
      return true;
    }

    function apply() {
      for (const item of items) item.el.hidden = !matches(item);
      for (const group of groups) group.hidden = !group.querySelector('[data-f]:not([hidden])');
      for (const section of sections) {
        const shown = section.items.filter((item) => !item.el.hidden).length;
        if (section.count && section.items.length > 0) {
          section.count.textContent = shown === section.items.length ? String(shown) : shown + ' of ' + section.items.length;
        }
      }
      timeline.update();
      $('f-summary').textContent = timeline.total() + ' of ' + totalBars + ' results shown';
    }

    const form = $('filters');
    let typing = 0;
    function read() {
      filter.query = $('f-search').value.trim().toLowerCase();
      filter.host = $('f-host').value.trim().toLowerCase();
      filter.play = $('f-play').value === '' ? -1 : Number($('f-play').value);
      filter.statuses = new Set(Array.from(form.querySelectorAll('input[name=status]:checked'), (c) => c.value));
      apply();
    }
    form.addEventListener('input', (e) => {
      clearTimeout(typing);
      if (e.target.type === 'search') typing = setTimeout(read, 150); else read();
    });
    form.addEventListener('reset', () => setTimeout(read));
    form.addEventListener('submit', (e) => e.preventDefault());
    $('f-summary').textContent = totalBars + ' results';
    form.hidden = false;
  }
})();
