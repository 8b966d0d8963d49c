/* The book's interactive figures (l1l2.interactive): turn each stored Vega-Lite specification
   into a live chart. Loaded by book/_ext/l1l2_book.py, after Vega, Vega-Lite and vega-embed
   (served from the book's own _static/vega folder), only on pages that hold such a figure.

   Each figure is a <div class="l1l2-interactive"> holding its specification as JSON and a static
   image. The image stays until the chart has drawn, so a reader without JavaScript, or a page
   whose scripts failed, still sees the figure. Every number comes from the specification: this
   script computes nothing. */
(function () {
  "use strict";

  // Radio buttons that Vega binds sit in a plain <span>: give each group a role and the name
  // shown before it, so that assistive technology announces "loss, radio group".
  function labelRadioGroups(container, id) {
    container.querySelectorAll(".vega-bind").forEach(function (bind, index) {
      const group = bind.querySelector(".vega-bind-radio");
      const name = bind.querySelector(".vega-bind-name");
      if (!group || !name) return;
      name.id = id + "-control-" + index;
      group.setAttribute("role", "radiogroup");
      group.setAttribute("aria-labelledby", name.id);
    });
  }

  // Fit the chart to its container: side-by-side panels stack when there is no room for them
  // (on a phone), and no panel is wider than the container less room for its axes.
  function fit(node, width) {
    if (!node || typeof node !== "object") return node;
    const room = Math.max(width - 110, 160);
    if (Array.isArray(node.hconcat)) {
      const needed = node.hconcat.reduce(function (sum, child) {
        return sum + (child.width || 0) + 70;
      }, 0);
      if (needed > width) {
        node.vconcat = node.hconcat;
        delete node.hconcat;
      }
    }
    if (typeof node.width === "number" && node.width > room) node.width = room;
    ["hconcat", "vconcat", "layer"].forEach(function (key) {
      (node[key] || []).forEach(function (child) {
        fit(child, width);
      });
    });
    return node;
  }

  function show(figure) {
    const source = figure.querySelector("script.l1l2-interactive-spec");
    const fallback = figure.querySelector(".l1l2-interactive-fallback");
    if (!source || typeof window.vegaEmbed !== "function") return Promise.resolve(null);
    const chart = document.createElement("div");
    chart.className = "l1l2-interactive-chart";
    figure.appendChild(chart);
    const spec = fit(JSON.parse(source.textContent), figure.clientWidth);
    // Written for Vega-Lite v5 (what JupyterLab draws); the book's Vega-Lite 6 draws it as is.
    delete spec.$schema;
    return window
      .vegaEmbed(chart, spec, { actions: false, mode: "vega-lite", renderer: "svg", tooltip: true })
      .then(function (result) {
        labelRadioGroups(chart, figure.id);
        const svg = chart.querySelector("svg");
        if (svg && spec.description) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", spec.description);
        }
        if (fallback) fallback.hidden = true;
        figure.dataset.state = "ready";
        window.l1l2Interactive[figure.id] = result.view;
        return result.view;
      })
      .catch(function (error) {
        chart.remove();
        figure.dataset.state = "failed";
        throw error;
      });
  }

  window.l1l2Interactive = window.l1l2Interactive || {};
  function start() {
    document.querySelectorAll(".l1l2-interactive").forEach(show);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
