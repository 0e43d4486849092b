// Suggestions as you type, for every <input data-suggest>. The list comes from
// /zoeken/suggesties (labels with their type and document). Picking a suggestion either
// opens its page (the search boxes) or, when the input names a hidden field in
// data-suggest-target (the query forms), puts the thing's IRI there and its label in the box.
(function () {
  "use strict";
  var counter = 0;

  function attach(input) {
    var list = document.createElement("ul");
    var listId = "suggesties-" + (++counter);
    var target = input.dataset.suggestTarget ? input.form.elements[input.dataset.suggestTarget] : null;
    var items = [], active = -1, pending = null, lastQuery = null;
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    input.parentNode.insertBefore(list, input.nextSibling);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }

    function choose(item) {
      if (target) {
        target.value = item.iri;
        input.value = item.label;
        close();
      } else {
        window.location.href = item.url;
      }
    }

    function render() {
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        var name = document.createElement("span");
        var about = document.createElement("small");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        name.textContent = (item.notation ? item.notation + " " : "") + item.label;
        about.textContent = [item.type, item.document].filter(Boolean).join(" · ");
        li.appendChild(name);
        li.appendChild(about);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(item);
        });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) input.setAttribute("aria-activedescendant", listId + "-" + active);
      else input.removeAttribute("aria-activedescendant");
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (target) target.value = "";
      if (!q) { items = []; render(); return; }
      var url = "/zoeken/suggesties?q=" + encodeURIComponent(q);
      if (input.dataset.suggestType) url += "&soort=" + encodeURIComponent(input.dataset.suggestType);
      if (input.dataset.suggestClass) url += "&klasse=" + encodeURIComponent(input.dataset.suggestClass);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          if (input.value.trim() !== q) return;  // an older answer: the user typed on
          items = body.suggestions || [];
          active = -1;
          render();
        })
        .catch(function () { items = []; render(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        active = (active + step + items.length) % items.length;
        render();
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(items[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
