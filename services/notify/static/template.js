// Live preview of a template as it is typed (the preview API renders it with sample parameters),
// with the SMS segments and encoding; and saving a new version. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var form = document.getElementById("template-form");
  if (!form) { return; }
  var token = form.querySelector("input[name=csrf_token]").value;
  var status = document.getElementById("template-status");

  function texts(part) {
    var out = {};
    ["kk", "ru", "en"].forEach(function (lang) {
      var field = form.elements[part + "." + lang];
      out[lang] = field ? field.value : "";
    });
    return out;
  }

  function document_() {
    var doc = { channel: form.dataset.channel, body: texts("body") };
    if (form.dataset.channel === "email") { doc.subject = texts("subject"); }
    return doc;
  }

  function call(url, method, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    });
  }

  function problems(json) {
    var where = json.problems || {};
    return Object.keys(where).map(function (key) { return key + ": " + where[key]; }).join("\n") || json.detail;
  }

  function preview() {
    form.querySelectorAll("output.preview").forEach(function (output) {
      var doc = document_();
      doc.language = output.dataset.language;
      call(form.dataset.preview, "POST", doc).then(function (result) {
        if (!result.ok) { output.textContent = problems(result.json); return; }
        var text = (result.json.subject ? result.json.subject + "\n\n" : "") + result.json.text;
        if (result.json.segments) {
          text += "\n\n[" + result.json.encoding + ", " + result.json.characters + " / " + result.json.segments + " SMS]";
        }
        output.textContent = text;
      });
    });
  }

  var timer = null;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(preview, 300);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    call(form.dataset.api, "PUT", document_()).then(function (result) {
      status.textContent = result.ok ? "v" + result.json.version : problems(result.json);
    });
  });
  preview();
}());
