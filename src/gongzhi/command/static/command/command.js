/* The command center (templates/command/dashboard.html and wall.html).

   Each <section data-panel> loads its JSON endpoint (data-src) and draws it: numbers as
   tiles and tables (textContent only, never HTML), charts with ECharts (served from this
   server). Panels refresh every minute; recent events also stream in over /ws/command/
   (realtime.js's gzLive reconnects and falls back to polling while the socket is down).
   Translated words come from the data-t-* attributes of #command. */
(function () {
  "use strict";
  var root = document.getElementById("command");
  if (!root || !window.echarts) return;
  var d = root.dataset;
  var T = {
    live: d.tLive, down: d.tDown, error: d.tError, empty: d.tEmpty, grid: d.tGrid,
    open: d.tOpen, overdue: d.tOverdue, rate: d.tRate, today: d.tToday, total: d.tTotal,
    mediation: d.tMediation, care: d.tCare, mapLabel: d.tMapLabel, mapLegend: d.tMapLegend,
    mapMissing: d.tMapMissing, mapNone: d.tMapNone, tableCaption: d.tTableCaption
  };
  var wall = root.classList.contains("cc--wall");
  var theme = wall ? "dark" : null;
  var REFRESH = 60000, MAX_EVENTS = 30;
  var charts = {}, maps = {};
  var lastEvent = 0;
  var palette = ["#3ba1ff", "#36cfc9", "#ffc53d", "#ff7a45", "#9254de", "#73d13d", "#f759ab",
                 "#40a9ff", "#ffa940", "#bae637", "#597ef7", "#ff4d4f"];

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function show(v) { return v === null || v === undefined ? "—" : String(v); }
  function pct(v) { return v === null || v === undefined ? "—" : Number(v).toFixed(1) + "%"; }
  function panel(name) { return root.querySelector('[data-panel="' + name + '"]'); }
  function body(p) { return p.querySelector("[data-body]"); }
  function drillUrl(id) { return d.drillBase + "?grid=" + encodeURIComponent(id); }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) throw new Error(j.detail || String(r.status));
          return j;
        });
      });
  }

  function fresh(p) {
    var b = body(p), name = p.dataset.panel;
    if (charts[name]) { charts[name].dispose(); delete charts[name]; }
    if (maps[name]) { if (maps[name].map) maps[name].map.remove(); delete maps[name]; }
    clear(b);
    return b;
  }

  function chartIn(p) {
    var name = p.dataset.panel;
    if (!charts[name]) {
      var b = fresh(p);
      var box = el("div", "cc-chart");
      b.appendChild(box);
      charts[name] = window.echarts.init(box, theme, { renderer: "canvas" });
    }
    return charts[name];
  }

  function base() {
    return {
      backgroundColor: "transparent", color: palette, animation: !wall,
      textStyle: { fontSize: wall ? 14 : 12 },
      tooltip: { trigger: "axis" },
      legend: { top: 0, textStyle: { fontSize: wall ? 13 : 11 } },
      grid: { left: 40, right: 44, top: 32, bottom: 24 }
    };
  }

  // --- renderers ---------------------------------------------------------------------------

  function tiles(b, counts, labels, alerts) {
    var box = el("div", "cc-tiles");
    Object.keys(counts).forEach(function (k) {
      var t = el("div", "cc-tile");
      t.dataset.count = k;
      if (alerts && alerts.indexOf(k) >= 0 && counts[k]) t.classList.add("is-alert");
      t.appendChild(el("b", null, show(counts[k])));
      t.appendChild(el("span", null, labels[k]));
      box.appendChild(t);
    });
    b.appendChild(box);
  }

  function trend(p, data) {
    var labels = data.labels, pts = data.points, c = chartIn(p);
    var opt = base();
    opt.xAxis = { type: "category", data: pts.map(function (x) { return x.label; }) };
    opt.yAxis = [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, splitLine: { show: false } }];
    opt.series = [
      { name: labels.accept_due, type: "bar", data: pts.map(function (x) { return x.accept_due; }) },
      { name: labels.closed, type: "bar", data: pts.map(function (x) { return x.closed; }) },
      { name: labels.on_time_closure, type: "line", yAxisIndex: 1, connectNulls: true,
        data: pts.map(function (x) { return x.on_time_closure; }) },
      { name: labels.satisfaction, type: "line", yAxisIndex: 1, connectNulls: true,
        data: pts.map(function (x) { return x.satisfaction; }) }
    ];
    c.setOption(opt, true);
  }

  // --- the grid map (Leaflet, served from this server; no tiles unless configured) ----------

  function gridParts(p) {
    // The map and the table persist across refreshes (the leader's pan and zoom stay).
    if (maps.grids && p.contains(maps.grids.box)) return maps.grids;
    var b = fresh(p);
    var box = el("div", "cc-map"), legend = el("div", "cc-legend"), note = el("p", "cc-note");
    var table = el("div", "cc-grid-table");
    box.dataset.map = "";
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", T.mapLabel);
    note.hidden = true;
    b.appendChild(box);
    b.appendChild(legend);
    b.appendChild(note);
    b.appendChild(table);
    var parts = { box: box, legend: legend, note: note, table: table, map: null, layer: null };
    if (window.L) {
      parts.map = window.L.map(box, {
        // Not in the tab order (the table beneath is the keyboard's way); the wheel scrolls
        // the page, the buttons zoom.
        attributionControl: !!d.tileUrl, zoomControl: !wall, scrollWheelZoom: false, keyboard: false,
        minZoom: 4, maxZoom: 19, zoomSnap: 0.25
      });
      if (d.tileUrl) {
        window.L.tileLayer(d.tileUrl, {
          maxZoom: 18, attribution: d.tileAttribution || "", subdomains: "01234567"
        }).addTo(parts.map);
      } else {
        box.classList.add("cc-map-plain");
      }
    }
    maps.grids = parts;
    return parts;
  }

  var SCALE = wall
    ? ["#15355c", "#1f5f8b", "#e3a72f", "#f0672a", "#e0283f"]
    : ["#deebf7", "#9ecae1", "#fdae6b", "#f16913", "#c2252d"];

  function shade(open, max) {
    if (!open) return SCALE[0];
    var k = Math.min(SCALE.length - 1, 1 + Math.floor((SCALE.length - 2) * open / Math.max(max, 1)));
    return SCALE[k];
  }

  var NUDGES = [[0, 0], [0, 1], [0, -1], [1, 0], [-1, 0], [0, 2], [0, -2], [1, 1], [-1, 1],
                [1, -1], [-1, -1]];

  function fitLabels(parts) {
    // Labels for the areas' size on screen: a small area keeps its count only. The smallest
    // areas are labelled first (a small area's count may sit just beside it); a label that
    // would cover one already placed moves aside (a big area's, within its area) or, when
    // no place is free, is left out (the table holds every figure).
    if (!parts.layer) return;
    var map = parts.map, origin = parts.box.getBoundingClientRect(), items = [], placed = [];
    parts.layer.eachLayer(function (layer) {
      var tip = layer.getTooltip(), node = tip && tip.getElement();
      if (!node) return;
      var b = layer.getBounds();
      var a = map.latLngToContainerPoint(b.getNorthWest()), z = map.latLngToContainerPoint(b.getSouthEast());
      var w = Math.abs(z.x - a.x), h = Math.abs(z.y - a.y);
      node.classList.toggle("is-small", w < 70 || h < 34);
      node.classList.remove("is-tiny");
      if (tip.options.offset[0] || tip.options.offset[1] || tip.options.offset.x || tip.options.offset.y) {
        tip.options.offset = [0, 0];
        tip.update();
      }
      items.push({ tip: tip, node: node, area: w * h,
                   box: [Math.min(a.x, z.x), Math.min(a.y, z.y), Math.max(a.x, z.x), Math.max(a.y, z.y)] });
    });
    items.sort(function (p, q) { return p.area - q.area; });
    items.forEach(function (it) {
      var small = it.node.classList.contains("is-small");
      var r = it.node.getBoundingClientRect();
      var x0 = r.left - origin.left, y0 = r.top - origin.top;
      for (var i = 0; i < NUDGES.length; i++) {
        var dx = NUDGES[i][0] * r.width, dy = NUDGES[i][1] * r.height;
        var c = [x0 + dx, y0 + dy, x0 + dx + r.width, y0 + dy + r.height];
        var cx = (c[0] + c[2]) / 2, cy = (c[1] + c[3]) / 2;
        var inside = small || (cx >= it.box[0] && cx <= it.box[2] && cy >= it.box[1] && cy <= it.box[3]);
        var free = placed.every(function (q) {
          return c[2] <= q[0] || c[0] >= q[2] || c[3] <= q[1] || c[1] >= q[3];
        });
        if (inside && free) {
          if (dx || dy) { it.tip.options.offset = [dx, dy]; it.tip.update(); }
          placed.push(c);
          return;
        }
      }
      it.node.classList.add("is-tiny");
    });
  }

  function drawMap(parts, geo, total) {
    var features = (geo && geo.features) || [];
    parts.box.dataset.features = String(features.length);
    parts.box.hidden = !features.length;
    parts.legend.hidden = !features.length;
    parts.table.classList.toggle("is-fallback", !features.length);
    parts.note.hidden = !(geo && geo.missing);
    if (geo && geo.missing) {
      parts.note.textContent = features.length ? T.mapMissing.replace("%s", geo.missing) : T.mapNone;
    }
    if (!parts.map || !features.length) return;
    var max = 0;
    features.forEach(function (f) { max = Math.max(max, f.properties.open); });
    if (parts.layer) parts.map.removeLayer(parts.layer);
    parts.layer = window.L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function (f) {
        return {
          color: wall ? "#7cc4ff" : "#3d6a9e", weight: 1.2, fillOpacity: wall ? 0.75 : 0.7,
          fillColor: shade(f.properties.open, max),
          className: "cc-area cc-area-" + f.properties.id
        };
      },
      onEachFeature: function (f, layer) {
        var fp = f.properties, label = el("span", "cc-map-text");
        label.dataset.mapGrid = fp.id;
        label.dataset.open = fp.open;
        label.dataset.overdue = fp.overdue;
        label.appendChild(el("span", "cc-map-name", fp.name));
        label.appendChild(el("b", null, fp.open));
        layer.bindTooltip(label, { permanent: true, direction: "center", className: "cc-map-label" });
        layer.on("click", function () { window.location.href = drillUrl(fp.id); });
        layer.on("mouseover", function () { layer.setStyle({ weight: 3 }); });
        layer.on("mouseout", function () { layer.setStyle({ weight: 1.2 }); });
      }
    }).addTo(parts.map);
    if (!parts.fitted) {
      parts.map.invalidateSize();
      parts.map.fitBounds(parts.layer.getBounds(), { padding: [8, 8] });
      parts.map.on("zoomend", function () { fitLabels(parts); });
      parts.fitted = true;
    }
    fitLabels(parts);
    clear(parts.legend);
    parts.legend.appendChild(el("span", null, T.mapLegend));
    [[0, "0"], [1, "1"], [max, String(max)]].forEach(function (step, i) {
      if (i === 2 && max <= 1) return;
      var sw = el("i", "cc-swatch");
      sw.style.background = shade(step[0], max);
      parts.legend.appendChild(sw);
      parts.legend.appendChild(el("span", null, step[1]));
    });
    parts.legend.appendChild(el("span", "cc-legend-total", T.total + " " + total.open));
    parts.box.dataset.drawn = String(Date.now());
  }

  function drawGridTable(box, data) {
    clear(box);
    var table = el("table", "cc-table"), head = el("tr");
    table.appendChild(el("caption", "cc-sr", T.tableCaption));
    [[T.grid, ""], [T.open, "n"], [T.overdue, "n"], [T.rate, "n"], [T.today, "n"]].forEach(function (h) {
      var th = el("th", h[1], h[0]);
      th.scope = "col";
      head.appendChild(th);
    });
    table.appendChild(el("thead")).appendChild(head);
    var tbody = el("tbody");
    data.rows.forEach(function (r) {
      var tr = el("tr");
      tr.dataset.grid = r.id;
      if (r.own) tr.dataset.own = "";
      var name = el("td");
      if (r.own) name.textContent = r.name;
      else {
        var a = el("a", null, r.name);
        a.href = drillUrl(r.id);
        a.dataset.drill = r.id;
        name.appendChild(a);
      }
      tr.appendChild(name);
      [["open", r.open], ["overdue", r.overdue], ["overdue_rate", pct(r.overdue_rate)], ["today", r.today]]
        .forEach(function (cell) {
          var td = el("td", "n", show(cell[1]));
          td.dataset.col = cell[0];
          tr.appendChild(td);
        });
      tbody.appendChild(tr);
    });
    var t = data.total, total = el("tr", "is-total");
    total.dataset.total = "";
    total.appendChild(el("td", null, T.total));
    [["open", t.open], ["overdue", t.overdue], ["overdue_rate", pct(t.overdue_rate)], ["today", t.today]]
      .forEach(function (cell) {
        var td = el("td", "n", show(cell[1]));
        td.dataset.col = cell[0];
        total.appendChild(td);
      });
    tbody.appendChild(total);
    table.appendChild(tbody);
    box.appendChild(table);
  }

  var render = {
    live: function (p, data) {
      tiles(fresh(p), data.counts, data.labels, ["overdue", "calls_waiting"]);
    },
    trend30: trend,
    trend12: trend,
    categories: function (p, data) {
      if (!data.rows.length) { fresh(p).appendChild(el("p", "cc-empty", T.empty)); return; }
      var c = chartIn(p), opt = base();
      opt.tooltip = { trigger: "item", formatter: "{b}: {c} ({d}%)" };
      opt.legend = { type: "scroll", orient: "vertical", right: 0, top: 0, bottom: 0,
                     textStyle: { fontSize: wall ? 13 : 11 } };
      opt.series = [{ type: "pie", radius: ["38%", "70%"], center: ["36%", "52%"],
                      label: { show: false },
                      data: data.rows.map(function (r) { return { name: r.name, value: r.count }; }) }];
      c.setOption(opt, true);
    },
    rates: function (p, data) {
      var c = chartIn(p), opt = base(), names = Object.keys(data.labels);
      opt.xAxis = { type: "category", data: data.rows.map(function (r) { return r.name; }),
                    axisLabel: { interval: 0, rotate: data.rows.length > 5 ? 30 : 0 } };
      opt.yAxis = { type: "value", min: 0, max: 100 };
      opt.grid.bottom = data.rows.length > 5 ? 56 : 24;
      opt.series = names.map(function (n) {
        return { name: data.labels[n], type: "bar",
                 data: data.rows.map(function (r) { return r[n].percent; }) };
      });
      c.setOption(opt, true);
    },
    grids: function (p, data) {
      var parts = gridParts(p);
      drawMap(parts, data.map, data.total);
      drawGridTable(parts.table, data);
    },
    top: function (p, data) {
      var b = fresh(p);
      if (!data.rows.length) { b.appendChild(el("p", "cc-empty", T.empty)); return; }
      var table = el("table", "cc-table"), head = el("tr");
      [[T.grid, ""], [T.open, "n"], [T.overdue, "n"]].forEach(function (h) { head.appendChild(el("th", h[1], h[0])); });
      table.appendChild(el("thead")).appendChild(head);
      var tbody = el("tbody");
      data.rows.forEach(function (r) {
        var tr = el("tr");
        tr.dataset.grid = r.id;
        tr.appendChild(el("td", null, r.name));
        tr.appendChild(el("td", "n", r.open));
        tr.appendChild(el("td", "n", r.overdue));
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      b.appendChild(table);
    },
    rooms: function (p, data) {
      var b = fresh(p), box = el("div", "cc-rooms");
      [["mediation", T.mediation], ["care", T.care]].forEach(function (room) {
        var part = el("div");
        part.dataset.room = room[0];
        part.appendChild(el("h3", null, room[1]));
        var figures = {};
        Object.keys(data[room[0]]).forEach(function (k) {
          var v = data[room[0]][k];
          figures[k] = k === "success_rate" ? pct(v) : v;
        });
        tiles(part, figures, data.labels[room[0]], ["overdue", "alerts"]);
        box.appendChild(part);
      });
      b.appendChild(box);
    },
    events: function (p, data) {
      var b = fresh(p), list = el("ul", "cc-events");
      list.dataset.events = "";
      b.appendChild(list);
      data.events.slice().reverse().forEach(function (e) { addEvent(e, false); });
      if (!data.events.length) b.appendChild(el("p", "cc-empty", T.empty));
    }
  };

  function addEvent(e, isNew) {
    var p = panel("events"), list = p && p.querySelector("[data-events]");
    if (!list || list.querySelector('[data-event="' + e.id + '"]')) return;
    var empty = p.querySelector(".cc-empty");
    if (empty) empty.remove();
    var li = el("li", isNew ? "is-new" : null);
    li.dataset.event = e.id;
    li.appendChild(el("time", null, e.at.slice(11, 16)));
    li.appendChild(el("span", "cc-act", e.label));
    li.appendChild(el("span", null, e.case + " " + e.title + " · " + e.grid));
    list.insertBefore(li, list.firstChild);
    while (list.children.length > MAX_EVENTS) list.removeChild(list.lastChild);
    if (e.id > lastEvent) lastEvent = e.id;
  }

  // --- loading ---------------------------------------------------------------------------

  function load(p) {
    var name = p.dataset.panel;
    return getJSON(p.dataset.src).then(function (j) {
      render[name](p, j.data);
      p.dataset.loaded = String(Date.now());
    }).catch(function (err) {
      var b = fresh(p);
      b.appendChild(el("p", "cc-error", T.error + ": " + err.message));
      p.dataset.failed = "";
    });
  }

  function loadAll(skipEvents) {
    root.querySelectorAll("[data-panel]").forEach(function (p) {
      if (skipEvents && p.dataset.panel === "events" && p.dataset.loaded) return;
      load(p);
    });
  }

  function pollEvents() {
    var p = panel("events");
    if (!p) return;
    getJSON(p.dataset.src + "&after=" + lastEvent).then(function (j) {
      j.data.events.slice().reverse().forEach(function (e) { addEvent(e, true); });
    }).catch(function () { /* the next poll tries again */ });
  }

  loadAll(false);
  setInterval(function () { loadAll(true); }, REFRESH);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    Object.keys(maps).forEach(function (k) { if (maps[k].map) maps[k].map.invalidateSize(); });
  });

  var status = root.querySelector("[data-status]");
  if (window.gzLive && d.ws) {
    window.gzLive(d.ws, {
      onEvent: function (msg) { if (msg.type === "case_event") addEvent(msg, true); },
      poll: pollEvents,
      pollEvery: 15000,
      onState: function (s) {
        if (!status) return;
        status.textContent = s === "live" ? T.live : T.down;
        status.classList.toggle("is-live", s === "live");
        status.dataset.state = s;
      }
    });
  }

  var clock = root.querySelector("[data-clock]");
  if (clock) {
    var tick = function () {
      var now = new Date();
      clock.textContent = now.toLocaleDateString() + " " + now.toLocaleTimeString();
    };
    tick();
    setInterval(tick, 1000);
  }
})();
