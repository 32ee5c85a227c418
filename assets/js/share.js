// Share without third-party scripts: copy the link, or the phone's share sheet (reaches Zalo).
(function () {
  "use strict";
  document.querySelectorAll("[data-share-url]").forEach(function (box) {
    var url = box.getAttribute("data-share-url");
    var title = box.getAttribute("data-share-title") || document.title;
    var status = box.querySelector(".share-status");
    var copy = box.querySelector(".js-copy");
    var share = box.querySelector(".js-share");
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(function () {
          if (status) { status.textContent = copy.getAttribute("data-done"); }
        });
      });
    }
    if (share && navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: title, url: url }).catch(function () {});
      });
    }
  });
}());
