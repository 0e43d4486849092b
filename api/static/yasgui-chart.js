// "Grafiek": a YASR plugin that draws SELECT results as a bar, line or pie chart with
// Chart.js, bundled with the service (web/node_modules/chart.js). The YASGUI bundle has no
// chart view, and Triply's chart plugin loads Google Charts from the web, which this service's
// Content-Security-Policy forbids and an offline reader cannot reach. yasgui-init.js registers
// it before YASGUI starts.
"use strict";
(function () {
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "byte",
                 "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                 "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"];
  var MAX_ROWS = 500; // more bars than this are unreadable, and a pie worse
  var KINDS = [["bar", "Staafdiagram"], ["line", "Lijndiagram"], ["pie", "Cirkeldiagram"]];

  function isNumber(term) {
    return !!term && term.type !== "uri" && term.type !== "bnode" && term.datatype &&
      term.datatype.indexOf(XSD) === 0 && NUMERIC.indexOf(term.datatype.slice(XSD.length)) >= 0 &&
      isFinite(Number(term.value));
  }

  // The columns: one label column (the first that is not all numbers) and the numeric ones.
  function columns(results) {
    var variables = results.getVariables();
    var bindings = results.getBindings();
    var numeric = variables.filter(function (v) {
      return bindings.length > 0 && bindings.every(function (row) { return !row[v] || isNumber(row[v]); }) &&
        bindings.some(function (row) { return isNumber(row[v]); });
    });
    var label = variables.filter(function (v) { return numeric.indexOf(v) < 0; })[0];
    return { label: label, values: numeric, bindings: bindings.slice(0, MAX_ROWS), total: bindings.length };
  }

  function shortIri(iri, prefixes) {
    for (var prefix in prefixes) {
      if (iri.indexOf(prefixes[prefix]) === 0) return prefix + ":" + iri.slice(prefixes[prefix].length);
    }
    return iri;
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Grafiek";
    this.chart = null;
    this.kind = "bar";
  }

  ChartPlugin.prototype.canHandleResults = function () {
    var results = this.yasr.results;
    if (!results || !results.getVariables || results.getVariables().length === 0 || results.getError()) return false;
    return columns(results).values.length > 0;
  };

  ChartPlugin.prototype.getIcon = function () {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    [[1, 9, 3, 6], [6, 4, 3, 11], [11, 7, 3, 8]].forEach(function (bar) {
      var rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      rect.setAttribute("x", bar[0]); rect.setAttribute("y", bar[1]);
      rect.setAttribute("width", bar[2]); rect.setAttribute("height", bar[3]);
      rect.setAttribute("fill", "currentColor");
      svg.appendChild(rect);
    });
    var icon = document.createElement("div");
    icon.appendChild(svg);
    return icon;
  };

  ChartPlugin.prototype.destroy = function () {
    if (this.chart) this.chart.destroy();
    this.chart = null;
  };

  ChartPlugin.prototype.draw = function () {
    var self = this;
    var cols = columns(this.yasr.results);
    // The query's own prefixes first, then the service's (set by yasgui-init.js).
    var prefixes = Object.assign({}, ChartPlugin.prefixes, this.yasr.getPrefixes ? this.yasr.getPrefixes() : {});
    var labels = cols.bindings.map(function (row, i) {
      var term = cols.label && row[cols.label];
      if (!term) return String(i + 1);
      return term.type === "uri" ? shortIri(term.value, prefixes) : term.value;
    });
    var datasets = cols.values.map(function (v) {
      return { label: "?" + v, data: cols.bindings.map(function (row) { return row[v] ? Number(row[v].value) : null; }) };
    });

    var wrapper = document.createElement("div");
    wrapper.className = "yasr-chart";
    var controls = document.createElement("label");
    controls.textContent = "Soort grafiek ";
    var select = document.createElement("select");
    select.className = "yasr-chart-kind";
    KINDS.forEach(function (kind) {
      var option = document.createElement("option");
      option.value = kind[0];
      option.textContent = kind[1];
      option.selected = kind[0] === self.kind;
      select.appendChild(option);
    });
    controls.appendChild(select);
    wrapper.appendChild(controls);
    if (cols.total > MAX_ROWS) {
      var note = document.createElement("p");
      note.textContent = "De grafiek toont de eerste " + MAX_ROWS + " van " + cols.total + " rijen.";
      wrapper.appendChild(note);
    }
    var canvasBox = document.createElement("div");
    canvasBox.className = "yasr-chart-canvas";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "Grafiek van " + datasets.map(function (d) { return d.label; }).join(", ") +
                        (cols.label ? " per ?" + cols.label : ""));
    canvasBox.appendChild(canvas);
    wrapper.appendChild(canvasBox);
    this.yasr.resultsEl.appendChild(wrapper);

    function render() {
      self.destroy();
      self.chart = new Chart(canvas, {
        type: self.kind,
        data: { labels: labels, datasets: datasets },
        options: { responsive: true, maintainAspectRatio: false, animation: false },
      });
    }
    select.addEventListener("change", function () {
      self.kind = select.value;
      render();
    });
    render();
  };

  ChartPlugin.prefixes = {};
  window.BeleidsgraafChart = ChartPlugin;
})();
