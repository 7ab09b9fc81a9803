// Maps on staff and portal pages (Leaflet and Leaflet.markercluster, served from /static).
// Every <div data-map="cases|place|pick|preview"> becomes a map, configured by its data-*
// attributes; there is no inline script (CSP). Without data-tile-url the map draws the grid
// outlines on a plain background and asks nothing of any other server.
(function () {
  "use strict";
  if (!window.L) return;

  var SEAT = [39.7449, 98.5078];

  function text(value) {
    // Tooltips get an element with textContent: case titles are user input, never HTML.
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function bounds(raw) {
    var p = (raw || "").split(",").map(Number);
    if (p.length !== 4 || p.some(isNaN)) return null;
    return L.latLngBounds([p[1], p[0]], [p[3], p[2]]);
  }

  function baseMap(el) {
    var map = L.map(el, {
      preferCanvas: true, attributionControl: !!el.dataset.tileUrl, minZoom: 5, maxZoom: 19
    });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, {
        maxZoom: 18, attribution: el.dataset.tileAttribution || "", subdomains: "01234567"
      }).addTo(map);
    } else {
      el.classList.add("gz-map-plain");
    }
    var b = bounds(el.dataset.bounds);
    if (b) map.fitBounds(b); else map.setView(SEAT, 9);
    return map;
  }

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; });
  }

  function outlines(map, el, options) {
    var url = el.dataset.outlinesUrl;
    if (!url) return null;
    var layer = L.geoJSON(null, {
      interactive: !!(options && options.tooltips),
      style: { color: "#3d6a9e", weight: 1, fillColor: "#dbe7f3", fillOpacity: 0.25 },
      onEachFeature: function (f, l) {
        if (options && options.tooltips) l.bindTooltip(text(f.properties.name), { sticky: true });
      }
    }).addTo(map);
    var seq = 0, timer = null;
    function load() {
      var b = map.getBounds(), mine = ++seq;
      var box = [
        Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90),
        Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90)
      ].map(function (v) { return v.toFixed(5); }).join(",");
      var sep = url.indexOf("?") < 0 ? "?" : "&";
      get(url + sep + "zoom=" + Math.round(map.getZoom()) + "&bbox=" + box).then(function (data) {
        if (!data || mine !== seq) return;
        layer.clearLayers();
        layer.addData(data);
        layer.bringToBack();
        el.dataset.outlines = String(data.features.length);
      }).catch(function () {});
    }
    map.on("moveend", function () { clearTimeout(timer); timer = setTimeout(load, 150); });
    load();
    return layer;
  }

  function casesMap(el) {
    var map = baseMap(el);
    outlines(map, el, { tooltips: false });
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    cluster.addTo(map);
    var summary = el.dataset.summary ? document.querySelector(el.dataset.summary) : null;
    get(el.dataset.pointsUrl).then(function (data) {
      if (!data) { if (summary) summary.textContent = el.dataset.failed || ""; return; }
      data.cases.forEach(function (c) {
        var m = L.marker([c.lat, c.lng], { title: c.number, alt: c.number, keyboard: true });
        m.bindTooltip(text(c.number + " " + c.title + " · " + c.state_label + (c.approx ? " " + (el.dataset.approx || "") : "")));
        m.on("click", function () { window.location.href = c.url; });
        cluster.addLayer(m);
      });
      if (summary) summary.textContent = data.summary;
      el.dataset.markers = String(data.cases.length);
    }).catch(function () { if (summary) summary.textContent = el.dataset.failed || ""; });
  }

  function placeMap(el) {
    var map = baseMap(el);
    var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
    var outline = L.geoJSON(null, {
      interactive: false, style: { color: "#b02a37", weight: 2, fillOpacity: 0.08 }
    }).addTo(map);
    outlines(map, el, { tooltips: false });
    if (!isNaN(lat) && !isNaN(lng)) {
      L.marker([lat, lng], { title: el.dataset.label || "", alt: el.dataset.label || "" }).addTo(map);
      map.setView([lat, lng], 15);
    }
    if (el.dataset.gridUrl) {
      get(el.dataset.gridUrl).then(function (data) {
        if (!data || !data.features.length) return;
        outline.addData(data);
        var b = outline.getBounds();
        if (!isNaN(lat) && !isNaN(lng)) b.extend([lat, lng]);
        map.fitBounds(b, { maxZoom: 17, padding: [20, 20] });
      }).catch(function () {});
    }
  }

  function pickMap(el) {
    var map = baseMap(el);
    outlines(map, el, { tooltips: false });
    var latInput = document.getElementById(el.dataset.latInput);
    var lngInput = document.getElementById(el.dataset.lngInput);
    var label = el.dataset.label ? document.querySelector(el.dataset.label) : null;
    var clear = el.dataset.clear ? document.querySelector(el.dataset.clear) : null;
    var marker = null;
    function where(lat, lng) {
      if (!label) return;
      label.textContent = lat.toFixed(6) + ", " + lng.toFixed(6);
      if (!el.dataset.locateUrl) return;
      get(el.dataset.locateUrl + "?lat=" + lat.toFixed(6) + "&lng=" + lng.toFixed(6)).then(function (d) {
        if (d) label.textContent = d.grid ? (d.grid.full_name || d.grid.name) : (d.message || "");
      }).catch(function () {});
    }
    function put(lat, lng, pan) {
      if (marker) marker.setLatLng([lat, lng]); else marker = L.marker([lat, lng]).addTo(map);
      if (pan) map.setView([lat, lng], Math.max(map.getZoom(), 14));
      if (clear) clear.hidden = false;
      where(lat, lng);
    }
    map.on("click", function (e) {
      latInput.value = e.latlng.lat.toFixed(6);
      lngInput.value = e.latlng.lng.toFixed(6);
      put(e.latlng.lat, e.latlng.lng, false);
    });
    function fromInputs() {
      var lat = parseFloat(latInput.value), lng = parseFloat(lngInput.value);
      if (!isNaN(lat) && !isNaN(lng)) put(lat, lng, true);
    }
    latInput.addEventListener("change", fromInputs);
    fromInputs();
    if (clear) {
      clear.addEventListener("click", function () {
        latInput.value = ""; lngInput.value = "";
        if (marker) { map.removeLayer(marker); marker = null; }
        if (label) label.textContent = "";
        clear.hidden = true;
      });
    }
  }

  function previewMap(el) {
    var map = baseMap(el);
    outlines(map, el, { tooltips: false });
    var layer = L.geoJSON(null, {
      style: { color: "#b02a37", weight: 2, fillOpacity: 0.1 },
      onEachFeature: function (f, l) {
        l.bindTooltip(text(f.properties.code + " " + f.properties.name), { sticky: true });
      }
    }).addTo(map);
    get(el.dataset.geojsonUrl).then(function (data) {
      if (!data || !data.features.length) return;
      layer.addData(data);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    }).catch(function () {});
  }

  var MODES = { cases: casesMap, place: placeMap, pick: pickMap, preview: previewMap };
  document.querySelectorAll("[data-map]").forEach(function (el) {
    var make = MODES[el.dataset.map];
    if (make) make(el);
  });
})();
