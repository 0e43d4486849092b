// Starts YASGUI on /yasgui (a static file: the Content-Security-Policy allows no inline script).
// The endpoint, the first query and the examples come from /yasgui/config.json.
"use strict";
(function () {
  var root = document.getElementById("yasgui");
  fetch(root.getAttribute("data-config"))
    .then(function (response) { return response.json(); })
    .then(function (config) {
      // Charts drawn here with the bundled Chart.js (static/yasgui-chart.js), not from the web.
      window.BeleidsgraafChart.prefixes = config.prefixes;
      Yasgui.Yasr.registerPlugin("chart", window.BeleidsgraafChart);
      var yasgui = new Yasgui(root, {
        requestConfig: { endpoint: config.endpoint, method: "POST" },
        copyEndpointOnNewTab: true,
        endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
        // Only local completions: the remote ones (LOV) would leave the service.
        yasqe: { value: config.query, autocompleters: ["prefixes", "variables"] },
        persistenceId: "beleidsgraaf-yasgui",
      });
      var examples = {};
      config.examples.forEach(function (e) { examples[e.name] = e; });
      document.querySelectorAll("[data-example]").forEach(function (button) {
        button.addEventListener("click", function () {
          var example = examples[button.getAttribute("data-example")];
          yasgui.addTab(true, { name: example.label, yasqe: { value: example.query },
                                requestConfig: { endpoint: config.endpoint } });
        });
      });
      window.yasgui = yasgui; // for tests and the curious
    });
})();
