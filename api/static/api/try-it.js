// "Try it" on the API reference: sends the request with the reader's token and shows the answer.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var tokenBox = document.querySelector("[data-try-token]");
    if (tokenBox) { tokenBox.hidden = false; }
    var tokenInput = document.getElementById("try-token");
    document.querySelectorAll("form[data-try-it]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var path = form.getAttribute("data-path");
        var query = new URLSearchParams();
        form.querySelectorAll("input[data-in]").forEach(function (input) {
          if (!input.value) { return; }
          if (input.getAttribute("data-in") === "path") {
            path = path.replace("{" + input.name + "}", encodeURIComponent(input.value));
          } else { query.append(input.name, input.value); }
        });
        var url = path + (query.toString() ? "?" + query.toString() : "");
        var headers = { "Accept": "application/json" };
        if (tokenInput && tokenInput.value) { headers["Authorization"] = "Bearer " + tokenInput.value.trim(); }
        var out = form.querySelector(".try-result");
        out.textContent = "…";
        fetch(url, { headers: headers, credentials: "same-origin" }).then(function (response) {
          return response.text().then(function (text) {
            var body = text;
            try { body = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
            out.textContent = "";
            var status = document.createElement("p");
            status.textContent = "GET " + url + " → " + response.status;
            var pre = document.createElement("pre");
            pre.tabIndex = 0;
            pre.textContent = body;
            out.appendChild(status);
            out.appendChild(pre);
          });
        }).catch(function (error) { out.textContent = String(error); });
      });
    });
  });
})();
