// Search without a server: with scripts on, the search box appears and filters the guide as you type.
// With scripts off the box stays hidden and every part of the guide is shown.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var output = document.getElementById("hits");
  if (!form || !input) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-text]"));
  var texts = items.map(function (item) { return fold(item.getAttribute("data-text")); });
  var trees = Array.prototype.slice.call(document.querySelectorAll(".tree[data-large] details"));
  form.hidden = false;
  collapseLargeTrees();

  function fold(text) {
    return (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function collapseLargeTrees() {
    trees.forEach(function (details) { details.open = false; });
  }

  function openAround(item) {
    for (var node = item; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
  }

  function run() {
    var query = fold(input.value.trim());
    var shown = new Set();
    var hits = 0;
    items.forEach(function (item) { item.classList.remove("hit", "miss"); });
    if (!query) { collapseLargeTrees(); output.value = ""; return; }
    items.forEach(function (item, index) {
      if (texts[index].indexOf(query) < 0) { return; }
      hits += 1;
      item.classList.add("hit");
      openAround(item);
      for (var node = item; node; node = node.parentElement) {
        if (node.hasAttribute && node.hasAttribute("data-text")) { shown.add(node); }
      }
      item.querySelectorAll("[data-text]").forEach(function (inner) { shown.add(inner); });
    });
    items.forEach(function (item) { if (!shown.has(item)) { item.classList.add("miss"); } });
    output.value = hits === 1 ? "1 match" : hits + " matches";
  }

  input.addEventListener("input", run);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; run(); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
}());
