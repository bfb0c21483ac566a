// The scoring page's enhancements: keyboard shortcuts, the weighted total as the member types, and
// saving through the API without leaving the page (the form still works without this file: it
// posts and comes back to the same candidate, the saved total written by the server).
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  var status = document.getElementById("save-status");

  function go(id) {
    var link = document.getElementById(id);
    if (link) { window.location.assign(link.href); }
  }

  function csrfToken() {
    var field = form && form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function showErrors(errors) {
    form.querySelectorAll(".field-error").forEach(function (span) {
      var field = span.getAttribute("data-field");
      var messages = (errors && errors[field]) || [];
      span.textContent = messages.join("; ");
      var input = form.querySelector("[name='" + field + "']");
      if (input) {
        if (messages.length) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      }
    });
  }

  // The weighted total (Σ weight × value ÷ Σ weight, as rules.scoring.weighted_value) once every
  // criterion has a whole number, in the page's language (6,80 in kk and ru).
  function showTotal() {
    var output = document.getElementById("total");
    if (!output) { return; }
    var sum = 0, weights = 0, complete = true;
    form.querySelectorAll("input[data-weight]").forEach(function (input) {
      var weight = parseInt(input.getAttribute("data-weight"), 10);
      weights += weight;
      if (/^-?\d+$/.test(input.value)) { sum += weight * parseInt(input.value, 10); } else { complete = false; }
    });
    if (!complete || !weights) { output.textContent = "—"; return; }
    // The decimal sign is the server's (Babel's), as in every other number of the page.
    output.textContent = (sum / weights).toFixed(2).replace(".", form.getAttribute("data-decimal") || ".");
  }

  function save(thenNext) {
    var criteria = {};
    form.querySelectorAll("input[name^='criteria.']").forEach(function (input) {
      var code = input.name.slice("criteria.".length);
      criteria[code] = input.value === "" ? null : (/^-?\d+$/.test(input.value) ? parseInt(input.value, 10) : input.value);
    });
    var body = { criteria: criteria, comment: form.querySelector("textarea[name=comment]").value };
    status.textContent = "";
    return fetch(form.getAttribute("data-api"), {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken(), "Accept-Language": document.documentElement.lang },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) {
          showErrors({});
          status.className = "saved";
          status.textContent = form.getAttribute("data-saved");
          if (thenNext) { go("go-next"); }
        } else {
          showErrors(data.errors || {});
          // Field errors are said next to each field; the detail names the API's `errors`, not for people.
          status.textContent = data.errors ? form.getAttribute("data-failed") : (data.detail || form.getAttribute("data-failed"));
          status.className = "refusal";
          var invalid = form.querySelector("[aria-invalid=true]");
          if (invalid) { invalid.focus(); }
        }
      });
    }).catch(function () {
      form.submit();
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var submitter = event.submitter;
      save(Boolean(submitter && submitter.id === "save-next"));
    });
    form.addEventListener("input", showTotal);
    showTotal();
    var first = form.querySelector("input[type=number]");
    if (first && !first.value) { first.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey && event.key === "ArrowLeft") { event.preventDefault(); go("go-previous"); }
    if (event.altKey && event.key === "ArrowRight") { event.preventDefault(); go("go-next"); }
    if (form && event.ctrlKey && event.key === "Enter") {
      event.preventDefault();
      save(event.shiftKey);
    }
  });
}());
