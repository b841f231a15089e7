// The receipt page's print button, shown only where this script runs (progressive enhancement:
// the page prints without it through the browser's own menu). A file of its own, not an inline
// script: the Content-Security-Policy allows scripts from this site only.
(function () {
  var button = document.getElementById("print");
  if (!button) { return; }
  button.hidden = false;
  document.getElementById("print-hint").hidden = true;
  button.addEventListener("click", function () { window.print(); });
})();
