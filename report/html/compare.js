// ansible-tap's comparison page: the search and host filters, the
// duration bars, and sortable tables (sortable.js). Everything it reads
// is in the page.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);

  // What each element the filter shows or hides is about: its hosts
  // (data-host, or the text of a [data-hosts] inside it), its text, and
  // how many results it stands for (data-n: a finding on several hosts).
  const items = Array.from(document.querySelectorAll('[data-f]'), (el) => {
    const hosts = el.dataset.host !== undefined ? el.dataset.host : el.querySelector('[data-hosts]')?.textContent;
    return {
      el, n: Number(el.dataset.n || 1), shown: 0,
      hosts: hosts === undefined ? null : hosts.toLowerCase().split(', '), text: el.textContent.toLowerCase(),
    };
  });
  const sections = Array.from(document.querySelectorAll('[data-fsection]'), (section) => ({
    count: section.querySelector('.count'),
    items: items.filter((item) => section.contains(item.el)),
  }));

  // matching counts the results of item that the filter keeps: those on
  // the hosts it names, when its text matches the search.
  function matching(item, query, host) {
    if (query && !item.text.includes(query)) return 0;
    if (!host || item.hosts === null) return item.n;
    return item.hosts.filter((h) => h.includes(host)).length;
  }

  function apply() {
    const query = $('f-search').value.trim().toLowerCase();
    const host = $('f-host').value.trim().toLowerCase();
    let shown = 0;
    for (const item of items) {
      item.shown = matching(item, query, host);
      item.el.hidden = item.shown === 0;
      if (!item.el.hidden) shown++;
    }
    // A section counts the results it shows, of all it holds.
    for (const section of sections) {
      if (!section.count || section.items.length === 0) continue;
      const total = section.items.reduce((n, item) => n + item.n, 0);
      const kept = section.items.reduce((n, item) => n + item.shown, 0);
      section.count.textContent = kept === total ? String(total) : kept + ' of ' + total;
    }
    $('f-summary').textContent = shown === items.length ? items.length + ' entries' : shown + ' of ' + items.length + ' entries shown';
    document.documentElement.dataset.shown = String(shown);
    document.documentElement.dataset.filter = query + '|' + host;
  }

  function setUp() {
    for (const bar of document.querySelectorAll('.bar[data-w]')) bar.style.width = Math.max(Number(bar.dataset.w), 1) + '%';
    sortTables(document);
    const form = $('filters');
    let typing = 0;
    form.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(apply, 120); });
    form.addEventListener('reset', () => setTimeout(apply));
    form.addEventListener('submit', (e) => e.preventDefault());
    form.hidden = false;
    apply();
    document.documentElement.dataset.ready = String(Math.round(performance.now()));
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setUp);
  else setUp();
})();
