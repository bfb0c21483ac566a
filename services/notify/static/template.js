// The template editor, made livelier: each text area grows with its text, and a language's preview
// follows what is typed (its "Show the preview" button posts the draft into that language's frame).
// The page works without it. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var form = document.getElementById("template-form");
  if (!form) { return; }
  var MIN_ROWS = 4, MAX_ROWS = 30;

  function fit(area) {
    var lines = area.value.split("\n").length + 1;
    area.rows = Math.min(MAX_ROWS, Math.max(MIN_ROWS, lines));
  }

  var timers = {};
  function later(language) {
    clearTimeout(timers[language]);
    timers[language] = setTimeout(function () {
      var button = form.querySelector("button[data-preview='" + language + "']");
      if (button) { button.click(); }
    }, 400);
  }

  form.querySelectorAll("textarea").forEach(fit);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") { fit(event.target); }
    var fieldset = event.target.closest("fieldset[data-language]");
    if (fieldset) { later(fieldset.dataset.language); }
  });
}());
