document.querySelectorAll('table[data-sortable] th[data-key]').forEach(function (th) {
  var b = document.createElement('button'); b.type = 'button'; b.textContent = th.textContent;
  th.textContent = ''; th.appendChild(b);
  b.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], i = th.cellIndex;
    var desc = th.getAttribute('aria-sort') === 'ascending';
    table.querySelectorAll('th').forEach(function (o) { o.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, c) {
      var x = a.cells[i].getAttribute('data-value') || a.cells[i].textContent;
      var y = c.cells[i].getAttribute('data-value') || c.cells[i].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'zh-CN');
      return desc ? -r : r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
