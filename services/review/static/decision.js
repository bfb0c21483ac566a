// The decision page's counter: how many are ticked to advance, of the quota, as the chair ticks;
// at the quota the other boxes wait (the form still works without this file: the server counts
// and refuses more than the quota).
(function () {
  "use strict";
  var form = document.getElementById("decision-form");
  var output = document.getElementById("chosen-count");
  if (!form || !output) { return; }
  var quota = parseInt(form.getAttribute("data-quota"), 10);
  var boxes = form.querySelectorAll("input[name=advanced]");

  function count() {
    var ticked = 0;
    boxes.forEach(function (box) { if (box.checked) { ticked += 1; } });
    output.textContent = String(ticked);
    boxes.forEach(function (box) { box.disabled = !box.checked && ticked >= quota; });
  }

  form.addEventListener("change", count);
  count();
}());
