// Writing a submission: a live word count counted as the server counts (drafts/wordcount.py),
// and the chosen element's wording shown so that the passage to amend can be selected, not
// retyped. The form works without this script; the server checks everything again.
(function () {
  "use strict";
  var form = document.getElementById("submission-form");
  if (!form) return;

  var eastAsian = /[\u4E00-\u9FFF\u3400-\u4DBF\uF900-\uFAFF\u3040-\u30FF]|[\uD840-\uD87E][\uDC00-\uDFFF]/;
  var inWord = /[\p{L}\p{M}\p{N}\u200D]/u;
  var joiners = "'\u2019-\u2010\u2011";
  var numberJoiners = ",.\u066C\u066B";

  function countWords(text) {
    var chars = Array.from((text || "").normalize("NFC"));
    var count = 0, inside = false;
    for (var i = 0; i < chars.length; i++) {
      var ch = chars[i];
      if (eastAsian.test(ch)) { count++; inside = false; continue; }
      if (inWord.test(ch)) { if (!inside) { count++; inside = true; } continue; }
      if (inside && i + 1 < chars.length) {
        var before = chars[i - 1], after = chars[i + 1];
        if (joiners.indexOf(ch) >= 0 && inWord.test(after) && !eastAsian.test(after)) continue;
        if (numberJoiners.indexOf(ch) >= 0 && /\p{Nd}/u.test(before) && /\p{Nd}/u.test(after)) continue;
      }
      inside = false;
    }
    return count;
  }

  var body = form.querySelector("textarea[name=body]");
  if (body) {
    var limit = parseInt(form.dataset.limit, 10);
    var number = new Intl.NumberFormat(document.documentElement.lang || undefined);
    var counter = document.createElement("p");
    counter.className = "help word-count";
    counter.id = "body-word-count";
    counter.setAttribute("aria-live", "polite");
    body.insertAdjacentElement("afterend", counter);
    var described = (body.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(counter.id);
    body.setAttribute("aria-describedby", described.join(" "));
    var show = function () {
      var n = countWords(body.value);
      var over = n > limit;
      counter.textContent = (over ? form.dataset.over : form.dataset.words)
        .replace("__N__", number.format(n))
        .replace("__LIMIT__", number.format(limit));
      counter.classList.toggle("over-limit", over);
    };
    body.addEventListener("input", show);
    show();
  }

  var textsNode = document.getElementById("element-texts");
  var element = form.querySelector("select[name=element]");
  var quote = form.querySelector("textarea[name=quote]");
  var before = form.querySelector("input[name=context_before]");
  if (!textsNode || !element || !quote) return;
  var texts = JSON.parse(textsNode.textContent || "{}");
  var panel = document.createElement("div");
  panel.className = "passage-picker";
  panel.hidden = true;
  var hint = document.createElement("p");
  hint.className = "help";
  hint.id = "passage-picker-hint";
  hint.textContent = form.dataset.pick;
  var passage = document.createElement("blockquote");
  passage.setAttribute("dir", "auto");
  passage.setAttribute("aria-describedby", hint.id);
  var status = document.createElement("p");
  status.className = "help";
  status.setAttribute("aria-live", "polite");
  panel.append(hint, passage, status);
  element.closest(".field").insertAdjacentElement("afterend", panel);

  function showElement() {
    var wording = texts[element.value];
    panel.hidden = !wording;
    passage.textContent = wording || "";
    status.textContent = "";
  }
  function occurrences(haystack, needle) {
    var n = 0, at = haystack.indexOf(needle);
    while (at >= 0) { n++; at = haystack.indexOf(needle, at + 1); }
    return n;
  }
  function picked() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    var range = selection.getRangeAt(0);
    if (!passage.contains(range.startContainer) || !passage.contains(range.endContainer)) return;
    var wording = passage.textContent;
    var prefixRange = document.createRange();
    prefixRange.setStart(passage, 0);
    prefixRange.setEnd(range.startContainer, range.startOffset);
    var start = prefixRange.toString().length;
    var end = start + range.toString().length;
    // A selection that cuts a word takes the whole word (not in Chinese or Japanese, where
    // every character is a word).
    var isLetter = function (ch) { return ch && inWord.test(ch) && !eastAsian.test(ch); };
    while (start > 0 && isLetter(wording[start - 1]) && isLetter(wording[start])) start--;
    while (end < wording.length && isLetter(wording[end]) && isLetter(wording[end - 1])) end++;
    while (start < end && /\s/.test(wording[start])) start++;
    while (end > start && /\s/.test(wording[end - 1])) end--;
    var chosen = wording.slice(start, end);
    if (!chosen) return;
    quote.value = chosen;
    if (before) {
      // Only needed when the passage appears more than once: the words just before this one.
      before.value = occurrences(wording, chosen) > 1 ? wording.slice(Math.max(0, start - 64), start) : "";
    }
    status.textContent = form.dataset.picked;
  }
  element.addEventListener("change", showElement);
  passage.addEventListener("mouseup", picked);
  passage.addEventListener("keyup", picked);
  passage.tabIndex = 0;
  showElement();
})();
