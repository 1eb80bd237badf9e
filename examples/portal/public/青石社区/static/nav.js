// On a narrow screen with enlarged text (a phone at 150-200 % font, where the menu alone would
// fill the first screen), the section menu folds behind one "栏目" button. Without JavaScript,
// and wherever there is room, the whole menu stays visible.
(function () {
  var nav = document.querySelector('.site-nav');
  var button = nav && nav.querySelector('.nav-toggle');
  if (!button || !window.matchMedia) return;
  // The visible label stays one short line; the current section is in the breadcrumbs.
  var current = nav.querySelector('a[aria-current="page"]');
  if (current) button.setAttribute('aria-label', '栏目菜单（当前：' + current.textContent.trim() + '）');
  nav.classList.add('js-nav');
  function set(open) {
    nav.classList.toggle('open', open);
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  }
  button.addEventListener('click', function () {
    set(button.getAttribute('aria-expanded') !== 'true');
  });
  set(false);
})();
