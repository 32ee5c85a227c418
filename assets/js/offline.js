// A fair's offline copy: on request, installs the service worker of the fair's folder
// (templates/fair-sw.js), which keeps the fair's page and product booklet for a phone at the
// booth. Shown only where service workers run (a secure origin).
const box = document.querySelector("[data-offline]");
if (box && "serviceWorker" in navigator && window.isSecureContext) {
  const words = JSON.parse(box.dataset.words || "{}");
  const status = box.querySelector("[data-offline-status]");
  const button = box.querySelector("button");
  box.hidden = false;
  navigator.serviceWorker.getRegistration(box.dataset.scope).then((reg) => {
    if (reg && reg.active && new URL(reg.scope).pathname === box.dataset.scope) status.textContent = words.saved;
  });
  button.addEventListener("click", async () => {
    status.textContent = words.saving;
    try {
      const reg = await navigator.serviceWorker.register(box.dataset.sw, { scope: box.dataset.scope });
      const worker = reg.installing || reg.waiting || reg.active;
      if (worker && worker.state !== "activated") {
        await new Promise((resolve, reject) => worker.addEventListener("statechange", () => {
          if (worker.state === "activated") resolve();
          if (worker.state === "redundant") reject(new Error("service worker not installed"));
        }));
      }
      status.textContent = words.saved;
    } catch (error) {
      console.error(error);
      status.textContent = words.failed;
    }
  });
}
