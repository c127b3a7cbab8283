// The Import screen's progress bar: polls the run's progress.json and reloads the page
// (to show the report) once the run is no longer queued or running.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box) return;
  var url = box.getAttribute("data-import-progress");
  var bar = box.querySelector("progress");
  var status = box.querySelector("[data-import-status]");
  var done = box.querySelector("[data-import-done]");
  var total = box.querySelector("[data-import-total]");
  var hint = box.querySelector("[data-import-hint]");
  if (hint) hint.hidden = true;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        bar.value = data.percent;
        bar.textContent = data.percent + " %";
        status.textContent = data.label;
        done.textContent = data.done;
        total.textContent = data.total;
        if (data.active) {
          window.setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        if (hint) hint.hidden = false;
        window.setTimeout(poll, 10000);
      });
  }
  window.setTimeout(poll, 1000);
})();
