// Before printing, photos switch to their largest variant: a sheet behind glass is read from
// a metre away and deserves the sharpest picture. Without JavaScript the screen's variant prints.
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('img[data-print-src]').forEach(function (img) {
    img.removeAttribute('srcset');
    img.removeAttribute('loading');
    img.src = img.getAttribute('data-print-src');
  });
});
