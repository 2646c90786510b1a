// Sortable tables, for ansible-tap's run report and comparison page: a
// table.sortable is sorted by a column when the button in its heading is
// pressed, numbers (th.n) by the value in each cell's data-v, the rest by
// text; pressing it again reverses the order.
'use strict';
function sortTables(root) {
  for (const table of root.querySelectorAll('table.sortable')) {
    const heads = Array.from(table.tHead.rows[0].cells);
    heads.forEach((th, column) => {
      const button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', () => {
        const numeric = th.classList.contains('n');
        const ascending = th.getAttribute('aria-sort') ? th.getAttribute('aria-sort') === 'descending' : !numeric;
        for (const other of heads) other.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const key = (row) => {
          const cell = row.cells[column];
          return numeric ? Number(cell.dataset.v) : cell.textContent.toLowerCase();
        };
        const body = table.tBodies[0];
        const sorted = Array.from(body.rows).sort((a, b) => {
          const p = key(a), q = key(b);
          return (p < q ? -1 : p > q ? 1 : 0) * (ascending ? 1 : -1);
        });
        body.append(...sorted);
      });
    });
  }
}
