// The map page: the site's GeoJSON on a Leaflet map (vendored in assets/vendor/leaflet/).
// Tiles come only from the server the site's config names; without one the map shows the
// points on a plain background and no request leaves the site.
(async function () {
  const box = document.getElementById("map");
  if (!box || !window.L) return;
  const data = await (await fetch(box.dataset.geojson)).json();
  const map = L.map(box, { scrollWheelZoom: false, attributionControl: Boolean(box.dataset.tiles) });
  if (box.dataset.tiles) L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  const layer = L.geoJSON(data, {
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 7, weight: 2, color: "#12402a", fillColor: "#f2b705", fillOpacity: 0.9 }),
    onEachFeature: (feature, marker) => {
      // The entry's link in the table below: its name and page in this page's language.
      const p = feature.properties;
      const listed = document.querySelector(`a[data-key="${CSS.escape(p.kind + "/" + p.id)}"]`);
      const link = document.createElement("a");
      link.href = listed ? listed.href : p.url;
      link.textContent = listed ? listed.textContent : p.name;
      if (listed && listed.lang) link.lang = listed.lang;
      marker.bindPopup(link);
    },
  }).addTo(map);
  if (data.features.length) map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 13 });
})();
