// Media kits page: every kit still queued or building is polled until it is ready or failed, and its
// progress bar, status and download link follow (no inline script: the pages' CSP forbids it).
(function () {
  "use strict";
  function watch(row) {
    var id = row.getAttribute("data-kit");
    function poll() {
      fetch("/api/v1/kits/" + encodeURIComponent(id), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (kit) {
          if (!kit) { return; }
          row.querySelector("progress").value = kit.progress;
          row.setAttribute("data-status", kit.status);
          if (kit.status === "ready" || kit.status === "failed") {
            window.location.reload();
            return;
          }
          window.setTimeout(poll, 1500);
        });
    }
    poll();
  }
  document.querySelectorAll("tr.kit").forEach(function (row) {
    var status = row.getAttribute("data-status");
    if (status === "queued" || status === "building") { watch(row); }
  });
})();
