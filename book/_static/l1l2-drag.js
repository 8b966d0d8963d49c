/* The book's chart with points to drag (l1l2.drag): the reader moves a point, the least-squares,
   abs-L1 and Huber lines refit at once. Loaded by book/_ext/l1l2_book.py, from the book's own
   files, only on pages that hold such a chart. Plain SVG, no library.

   Each chart is a <div class="l1l2-drag"> whose data-points, data-fits and data-settings
   attributes hold JSON (written by l1l2.drag.drag_chart); its <ul class="l1l2-drag-equations">
   is an aria-live region. After every move this script refits the three lines, rewrites
   data-points and data-fits and the equations. The fits are exact, as l1l2.regression.solve's:
   - least squares in closed form, on centred x;
   - abs L1: a minimising line passes through two data points, so try the line through every
     pair and keep the one with the smallest sum of |residual|;
   - Huber, loss r^2/2 for |r| <= delta and delta (|r| - delta/2) beyond: iteratively
     reweighted least squares (weight 1 inside, delta/|r| outside) until the line moves by less
     than 1e-10, then the exact minimum of the quadratic that the split of the points into
     inside, above and below gives, kept when it leaves that split as it was.
   Pointer events cover mouse, pen and touch; each point is grabbed within a transparent circle
   at least TARGET CSS px across however small the chart is drawn, and a focused point moves
   with the arrow keys (Shift: ten times as far). Once drawn, the chart replaces the static
   image l1l2.drag puts in the container (what a notebook shows), and the container gets
   data-state="ready". */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 640, HEIGHT = 436;
  // The legend sits in the bottom margin, under the x axis: the plot area stays free for points.
  var MARGIN = {left: 64, right: 16, top: 16, bottom: 88};
  var FONT = 17;  // px of the 640-px drawing: 9.5 CSS px when a 390-px phone shows it 358 px wide
  var DOT = 9;  // radius of a drawn point
  var TARGET = 26;  // smallest diameter, in CSS px on the screen, of the area that grabs a point

  // -- the fits -------------------------------------------------------------------------------

  // Weighted least squares on centred x; null when the weighted x do not vary.
  function weightedLine(xs, ys, ws) {
    var sw = 0, sx = 0, sy = 0, i;
    for (i = 0; i < xs.length; i++) { sw += ws[i]; sx += ws[i] * xs[i]; sy += ws[i] * ys[i]; }
    var mx = sx / sw, my = sy / sw, sxx = 0, sxy = 0;
    for (i = 0; i < xs.length; i++) {
      sxx += ws[i] * (xs[i] - mx) * (xs[i] - mx);
      sxy += ws[i] * (xs[i] - mx) * (ys[i] - my);
    }
    if (!(sxx > 0)) return null;
    var slope = sxy / sxx;
    return {intercept: my - slope * mx, slope: slope};
  }

  function leastSquares(xs, ys) {
    return weightedLine(xs, ys, xs.map(function () { return 1; }));
  }

  function absTotal(xs, ys, line) {
    var total = 0;
    for (var i = 0; i < xs.length; i++) total += Math.abs(ys[i] - line.intercept - line.slope * xs[i]);
    return total;
  }

  function leastAbsolute(xs, ys) {
    var best = null, bestTotal = Infinity;
    for (var i = 0; i < xs.length; i++) {
      for (var j = i + 1; j < xs.length; j++) {
        if (xs[i] === xs[j]) continue;
        var slope = (ys[j] - ys[i]) / (xs[j] - xs[i]);
        var line = {intercept: ys[i] - slope * xs[i], slope: slope};
        var total = absTotal(xs, ys, line);
        if (total < bestTotal) { best = line; bestTotal = total; }
      }
    }
    return best;
  }

  // The exact Huber minimum for the current split: inside points pull like least squares,
  // the others with a constant force delta * sign(r). Null if the split changes.
  function huberStep(xs, ys, delta, line) {
    var n = xs.length, s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0, side = [], i;
    for (i = 0; i < n; i++) {
      var r = ys[i] - line.intercept - line.slope * xs[i];
      side.push(Math.abs(r) <= delta ? 0 : Math.sign(r));
      if (side[i] === 0) { s0 += 1; s1 += xs[i]; s2 += xs[i] * xs[i]; t0 += ys[i]; t1 += xs[i] * ys[i]; }
      else { t0 += delta * side[i]; t1 += delta * side[i] * xs[i]; }
    }
    var det = s0 * s2 - s1 * s1;
    if (!(s0 >= 2) || !(Math.abs(det) > 1e-12 * Math.max(1, s2 * s2))) return null;
    var next = {intercept: (s2 * t0 - s1 * t1) / det, slope: (s0 * t1 - s1 * t0) / det};
    for (i = 0; i < n; i++) {
      var q = ys[i] - next.intercept - next.slope * xs[i];
      if ((Math.abs(q) <= delta ? 0 : Math.sign(q)) !== side[i]) return null;
    }
    return next;
  }

  function huber(xs, ys, delta) {
    var line = leastSquares(xs, ys);
    if (line === null) return null;
    for (var it = 0; it < 10000; it++) {
      var ws = xs.map(function (x, i) {
        var r = Math.abs(ys[i] - line.intercept - line.slope * x);
        return r <= delta ? 1 : delta / r;
      });
      var next = weightedLine(xs, ys, ws);
      if (next === null) break;
      var moved = Math.max(Math.abs(next.intercept - line.intercept), Math.abs(next.slope - line.slope));
      line = next;
      if (moved <= 1e-10 * Math.max(1, Math.abs(line.intercept), Math.abs(line.slope))) break;
    }
    return huberStep(xs, ys, delta, line) || line;
  }

  function fitAll(points, delta) {
    var xs = points.map(function (p) { return p[0]; });
    var ys = points.map(function (p) { return p[1]; });
    return {l2: leastSquares(xs, ys), l1: leastAbsolute(xs, ys), huber: huber(xs, ys, delta)};
  }

  // The equation as l1l2.drag.equation writes it: six significant digits.
  function six(value) {
    var text = String(Number(value.toPrecision(6)));
    return text === "-0" ? "0" : text;
  }

  function equation(label, line) {
    if (line === null) return label + ": no line (the points need two different x)";
    return label + ": y = " + six(line.intercept) + " " + (line.slope < 0 ? "-" : "+") + " " +
      six(Math.abs(line.slope)) + " x";
  }

  // -- drawing --------------------------------------------------------------------------------

  function el(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  // About five round-numbered ticks between low and high.
  function ticks(low, high) {
    var raw = (high - low) / 5, magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    var norm = raw / magnitude;
    var step = (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * magnitude;
    var out = [];
    for (var k = Math.ceil(low / step); k * step <= high + 1e-9 * step; k++) {
      out.push(Number((k * step).toPrecision(12)));
    }
    return out;
  }

  function Chart(container) {
    this.container = container;
    this.points = JSON.parse(container.dataset.points);
    this.settings = JSON.parse(container.dataset.settings);
    this.equations = container.querySelector(".l1l2-drag-equations");
    var s = this.settings;
    this.pw = WIDTH - MARGIN.left - MARGIN.right;
    this.ph = HEIGHT - MARGIN.top - MARGIN.bottom;
    this.sx = function (x) { return MARGIN.left + (x - s.x_range[0]) / (s.x_range[1] - s.x_range[0]) * this.pw; };
    this.sy = function (y) { return MARGIN.top + (s.y_range[1] - y) / (s.y_range[1] - s.y_range[0]) * this.ph; };
    this.draw();
    this.refit();
    container.dataset.state = "ready";
  }

  Chart.prototype.draw = function () {
    var s = this.settings, self = this, id = this.container.id;
    var svg = el("svg", {viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "group",
                         "aria-label": "Points to drag, with the L2, abs-L1 and Huber lines",
                         "class": "l1l2-drag-svg"});
    svg.style.width = "100%";
    svg.style.height = "auto";
    svg.style.maxWidth = WIDTH + "px";
    svg.style.display = "block";
    // A finger on the chart drags a point, not the page: Chromium reads touch-action from the
    // <svg> box and ignores it on the <g> and <circle> inside, so without this it starts
    // scrolling at the first move and cancels the drag. The page still scrolls by touch outside
    // the chart.
    svg.style.touchAction = "none";
    el("style", {}, svg).textContent =
      ".l1l2-drag-point,.l1l2-drag-target{cursor:grab;touch-action:none}" +
      ".l1l2-drag-point:focus{outline:none}" +
      ".l1l2-drag-point:focus-visible .l1l2-drag-dot,.l1l2-drag-point.l1l2-active .l1l2-drag-dot{stroke:#000;stroke-width:4px}";
    el("rect", {x: 0, y: 0, width: WIDTH, height: HEIGHT, fill: "#ffffff", rx: 4}, svg);
    var clip = el("clipPath", {id: id + "-clip"}, el("defs", {}, svg));
    el("rect", {x: MARGIN.left, y: MARGIN.top, width: this.pw, height: this.ph}, clip);
    var axes = el("g", {"aria-hidden": "true", "font-size": FONT, fill: "#222222"}, svg);
    ticks(s.x_range[0], s.x_range[1]).forEach(function (t) {
      var x = self.sx(t);
      el("line", {x1: x, x2: x, y1: MARGIN.top, y2: MARGIN.top + self.ph, stroke: "#e4e4e4"}, axes);
      el("text", {x: x, y: MARGIN.top + self.ph + 18, "text-anchor": "middle"}, axes).textContent = String(t);
    });
    ticks(s.y_range[0], s.y_range[1]).forEach(function (t) {
      var y = self.sy(t);
      el("line", {x1: MARGIN.left, x2: MARGIN.left + self.pw, y1: y, y2: y, stroke: "#e4e4e4"}, axes);
      el("text", {x: MARGIN.left - 6, y: y + 4, "text-anchor": "end"}, axes).textContent = String(t);
    });
    el("rect", {x: MARGIN.left, y: MARGIN.top, width: this.pw, height: this.ph, fill: "none", stroke: "#444444"}, axes);
    el("text", {x: MARGIN.left + this.pw / 2, y: MARGIN.top + this.ph + 40, "text-anchor": "middle"}, axes)
      .textContent = s.x_label;
    el("text", {transform: "translate(16," + (MARGIN.top + this.ph / 2) + ") rotate(-90)", "text-anchor": "middle"}, axes)
      .textContent = s.y_label;
    this.lines = {};
    Object.keys(s.lines).forEach(function (key) {
      var style = s.lines[key];
      self.lines[key] = el("line", {stroke: style[1], "stroke-width": 3, "stroke-dasharray": style[2] || "none",
                                    "clip-path": "url(#" + id + "-clip)", "data-loss": key}, svg);
    });
    // The legend: one row under the x axis title, each line's sample and label.
    this.legend = el("g", {"aria-hidden": "true", "font-size": FONT, fill: "#222222", "class": "l1l2-drag-legend"}, svg);
    Object.keys(s.lines).forEach(function (key) {
      var style = s.lines[key], entry = el("g", {"data-loss": key}, self.legend);
      el("line", {x1: 0, x2: 36, y1: -5, y2: -5, stroke: style[1], "stroke-width": 3,
                  "stroke-dasharray": style[2] || "none"}, entry);
      el("text", {x: 42, y: 0}, entry).textContent = style[0];
    });
    // Under every dot, the transparent circles that grab a point near it: a dot itself always
    // grabs its own point, even where another point's circle reaches over it.
    var targets = el("g", {"aria-hidden": "true"}, svg);
    this.targets = this.points.map(function (p, i) {
      return el("circle", {r: DOT, fill: "none", "pointer-events": "all", "class": "l1l2-drag-target",
                           "data-index": i}, targets);
    });
    this.circles = this.points.map(function (p, i) {
      var g = el("g", {tabindex: 0, role: "button", "aria-roledescription": "draggable point",
                       "class": "l1l2-drag-point", "data-index": i}, svg);
      el("circle", {r: DOT, fill: "#555555", "fill-opacity": 0.85, stroke: "#ffffff", "stroke-width": 2,
                    "class": "l1l2-drag-dot"}, g);
      self.listen(g, self.targets[i], i);
      return g;
    });
    this.svg = svg;
    this.container.insertBefore(svg, this.equations);
    var fallback = this.container.querySelector(".l1l2-drag-fallback");
    if (fallback) fallback.hidden = true;
    this.placeLegend();
    this.sizeTargets();
    window.addEventListener("resize", this.sizeTargets.bind(this));
  };

  // Legend entries side by side, centred under the plot, each as wide as its text.
  Chart.prototype.placeLegend = function () {
    var x = 0, gap = 24, entries = Array.prototype.slice.call(this.legend.childNodes);
    entries.forEach(function (entry) {
      var text = entry.querySelector("text");
      var width = text.getComputedTextLength() || 0.55 * FONT * text.textContent.length;
      entry.setAttribute("transform", "translate(" + x + ",0)");
      x += 42 + width + gap;
    });
    var left = MARGIN.left + Math.max(0, (this.pw - (x - gap)) / 2);
    this.legend.setAttribute("transform", "translate(" + left + "," + (HEIGHT - 12) + ")");
  };

  // The transparent circle that grabs a point: TARGET CSS px across on the screen, or the dot.
  Chart.prototype.sizeTargets = function () {
    var shown = this.svg.getBoundingClientRect().width;
    var radius = shown > 0 ? Math.max(DOT, TARGET / 2 * WIDTH / shown) : 2 * DOT;
    this.svg.querySelectorAll(".l1l2-drag-target").forEach(function (target) {
      target.setAttribute("r", radius.toFixed(1));
    });
  };

  // Pointer events (mouse, pen, touch): a drag follows its own pointer, wherever it goes.
  Chart.prototype.listen = function (point, target, i) {
    var self = this, s = this.settings, drag = null;
    function grab(event) {
      event.preventDefault();
      drag = event.pointerId;
      try { event.currentTarget.setPointerCapture(event.pointerId); } catch (error) { /* not a live pointer */ }
      point.classList.add("l1l2-active");
      point.focus();
    }
    point.addEventListener("pointerdown", grab);
    target.addEventListener("pointerdown", grab);
    window.addEventListener("pointermove", function (event) {
      if (drag !== event.pointerId) return;
      var box = self.svg.getBoundingClientRect();
      var vx = (event.clientX - box.left) / box.width * WIDTH;
      var vy = (event.clientY - box.top) / box.height * HEIGHT;
      self.move(i, s.x_range[0] + (vx - MARGIN.left) / self.pw * (s.x_range[1] - s.x_range[0]),
                s.y_range[1] - (vy - MARGIN.top) / self.ph * (s.y_range[1] - s.y_range[0]));
    });
    function release(event) {
      if (drag !== event.pointerId) return;
      drag = null;
      point.classList.remove("l1l2-active");
    }
    window.addEventListener("pointerup", release);
    // The browser took the pointer over (a system gesture, say): the drag ends there, the point
    // stays where the last move put it, and no later move of that pointer moves it.
    window.addEventListener("pointercancel", release);
    point.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 10 : 1;
      var d = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1]}[event.key];
      if (!d) return;
      event.preventDefault();
      var p = self.points[i];
      self.move(i, p[0] + d[0] * step * s.x_step, p[1] + d[1] * step * s.y_step);
    });
  };

  // A point stays inside the plot area, its whole dot and white ring included: at a corner it
  // would otherwise sit half on the tick labels.
  Chart.prototype.move = function (i, x, y) {
    var s = this.settings, inset = DOT + 2;
    var inside = function (r, size) {
      var pad = inset / size * (r[1] - r[0]);
      return [r[0] + pad, r[1] - pad];
    };
    var clamp = function (v, r) { return Math.min(r[1], Math.max(r[0], v)); };
    this.points[i] = [clamp(x, inside(s.x_range, this.pw)), clamp(y, inside(s.y_range, this.ph))];
    this.refit();
  };

  Chart.prototype.refit = function () {
    var s = this.settings, self = this;
    var fits = fitAll(this.points, s.delta);
    this.points.forEach(function (p, i) {
      var c = self.circles[i];
      var at = "translate(" + self.sx(p[0]) + "," + self.sy(p[1]) + ")";
      c.setAttribute("transform", at);
      self.targets[i].setAttribute("transform", at);
      c.setAttribute("aria-label", "Point " + (i + 1) + " of " + self.points.length + ": " +
        s.x_label + " " + six(p[0]) + ", " + s.y_label + " " + six(p[1]) +
        ". Drag it, or move it with the arrow keys.");
    });
    var x0 = s.x_range[0], x1 = s.x_range[1];
    Object.keys(this.lines).forEach(function (key) {
      var line = fits[key], node = self.lines[key];
      node.setAttribute("visibility", line === null ? "hidden" : "visible");
      if (line === null) return;
      node.setAttribute("x1", self.sx(x0));
      node.setAttribute("x2", self.sx(x1));
      node.setAttribute("y1", self.sy(line.intercept + line.slope * x0));
      node.setAttribute("y2", self.sy(line.intercept + line.slope * x1));
    });
    this.container.dataset.points = JSON.stringify(this.points);
    this.container.dataset.fits = JSON.stringify(fits);
    this.equations.querySelectorAll("li[data-loss]").forEach(function (item) {
      var key = item.dataset.loss;
      var text = equation(s.lines[key][0], fits[key]);
      if (item.textContent !== text) item.textContent = text;
    });
  };

  function start() {
    document.querySelectorAll(".l1l2-drag").forEach(function (container) {
      try {
        new Chart(container);
      } catch (error) {
        container.dataset.state = "failed";
        throw error;
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
