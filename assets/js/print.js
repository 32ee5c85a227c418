// The printable sheet's "In phiếu" button (shown only when script runs; the browser's own
// print works without it).
(function () {
  "use strict";
  document.querySelectorAll(".js-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
