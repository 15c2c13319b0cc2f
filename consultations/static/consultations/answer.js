/* The answering page follows the answers: questions that do not apply are hidden, options that a
   choice_filter leaves out are hidden, and a question's own message appears once it has been
   answered. The server decides all of it (POST …/check), with the same rules that judge the
   submission, so the page and the server never disagree. Without this script the form still
   works: the server checks it on submit and draws it again with the errors beside the fields. */
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-check");
  var touched = {};
  var timer = null;
  var pending = null;

  function byPath(path) {
    var found = null;
    form.querySelectorAll("[data-path]").forEach(function (el) {
      if (el.getAttribute("data-path") === path) { found = el; }
    });
    return found;
  }

  function showError(question, message) {
    var note = question.querySelector(":scope > .q-error");
    if (!note) { return; }
    note.textContent = message || "";
    note.hidden = !message;
    question.classList.toggle("field-error", Boolean(message));
    question.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (input.closest("[data-path]") !== question) { return; }
      if (message) { input.setAttribute("aria-invalid", "true"); }
      else { input.removeAttribute("aria-invalid"); }
    });
  }

  function apply(data) {
    var hidden = {};
    data.hidden.forEach(function (path) { hidden[path] = true; });
    form.querySelectorAll("[data-path]").forEach(function (el) {
      el.hidden = Boolean(hidden[el.getAttribute("data-path")]);
    });
    Object.keys(data.offered).forEach(function (path) {
      var question = byPath(path);
      if (!question) { return; }
      var offered = data.offered[path];
      question.querySelectorAll("[data-choice]").forEach(function (choice) {
        var keep = offered.indexOf(choice.getAttribute("data-choice")) >= 0;
        choice.hidden = !keep;
        if (choice.tagName === "OPTION") { choice.disabled = !keep; }
        var input = choice.querySelector("input");
        if (!keep && input) { input.checked = false; }
      });
    });
    Object.keys(touched).forEach(function (path) {
      var question = byPath(path);
      if (question) { showError(question, data.errors[path]); }
    });
    Object.keys(data.counts).forEach(function (path) {
      var repeat = byPath(path);
      if (!repeat || repeat.hidden) { return; }
      var drawn = parseInt(repeat.getAttribute("data-entries"), 10);
      var refresh = repeat.querySelector("[data-refresh]");
      if (refresh && drawn !== data.counts[path] && data.counts[path] > 0) {
        form.setAttribute("action", window.location.pathname + window.location.search + "#" + repeat.id);
        refresh.click();
      }
    });
  }

  /* The answers without the files chosen: a file is sent with the page, and only then kept;
     the name of one already received stays (a hidden field of the same name). */
  function answersOnly() {
    var data = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      var kept = data.getAll(input.name).filter(function (v) { return typeof v === "string"; });
      data.delete(input.name);
      kept.forEach(function (v) { data.append(input.name, v); });
    });
    return data;
  }

  function check() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, {
      method: "POST",
      body: answersOnly(),
      credentials: "same-origin",
      signal: pending.signal,
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data) { apply(data); }
    }).catch(function () { /* the server still checks everything on submit */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 250);
  }

  form.addEventListener("change", function (event) {
    var question = event.target.closest("[data-path]");
    // A file chosen is not sent until the page is: its question is judged then.
    if (question && event.target.type !== "file") { touched[question.getAttribute("data-path")] = true; }
    later();
  });
  form.addEventListener("input", later);
  check();
}());
