// 公示 status on the reader's own day: the page says where a notice stood when it was built
// ("截至 12月1日"); on a USB stick or a host nobody rebuilds, that is wrong the next day. The
// counted days (working days, from the work calendar) are embedded, so this needs no calendar.
(function () {
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  var d = new Date();
  var today = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  function short(iso) { var p = iso.split('-'); return +p[1] + '月' + +p[2] + '日'; }
  document.querySelectorAll('[data-notice-start]').forEach(function (el) {
    var start = el.getAttribute('data-notice-start'), end = el.getAttribute('data-notice-end');
    var days = el.getAttribute('data-notice-days').split(' ').filter(Boolean);
    var total = '共 ' + days.length + ' ' + el.getAttribute('data-notice-unit');
    var status, label, detail;
    if (today < start) {
      status = 'upcoming'; label = '即将公示'; detail = short(start) + '起公示';
    } else if (today > end) {
      status = 'ended'; label = '公示期满'; detail = '已于 ' + short(end) + '期满';
    } else {
      var k = days.filter(function (x) { return x <= today; }).length;
      status = 'active'; label = '公示中';
      detail = today === end ? '今日截止 / ' + total
        : (k === 0 ? '今日张贴，明日起算' : '第 ' + k + ' 天') + ' / ' + total + '，' + short(end) + '截止';
    }
    el.className = el.className.replace(/notice-(upcoming|active|ended)/, 'notice-' + status);
    var s = el.querySelector('.status');
    if (s) { s.className = 'status status-' + status; s.textContent = label; }
    var t = el.querySelector('.notice-detail');
    if (t) t.textContent = detail;
    var asof = el.querySelector('.notice-asof');
    if (asof) asof.hidden = true;
  });
  document.querySelectorAll('.notices-asof').forEach(function (p) { p.hidden = true; });
})();
