// The print button stays hidden without JavaScript (it could do nothing) and inside WeChat's
// browser, which cannot print; everywhere else it is shown in the flow of the page.
(function () {
  var canPrint = typeof window.print === 'function' && !/MicroMessenger/i.test(navigator.userAgent);
  if (!canPrint) return;
  document.querySelectorAll('.print-button[hidden]').forEach(function (p) { p.hidden = false; });
})();
// Before printing, photos switch to their largest variant: a sheet behind glass is read from
// a metre away and deserves the sharpest picture. Without JavaScript the screen's variant prints.
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('img[data-print-src]').forEach(function (img) {
    img.removeAttribute('srcset');
    img.removeAttribute('loading');
    img.src = img.getAttribute('data-print-src');
  });
});
