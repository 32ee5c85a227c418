// Search and combined filters, in the browser, from the site's own files.
// One script for two forms: the search page (data-finder="search": words + facets) and the
// catalogue (data-finder="browse": facets + sort over products). Both read the language's
// search catalogue (one row per entry: what a card shows, and the facet values); only a
// query with words loads the Pagefind index, whose bundles (a base and a small delta) are
// merged here, and whose results are mapped to catalogue rows by their page hash (a result
// no row names is an old version of an entry, and is dropped). Without JavaScript both
// pages still work: the search page links to the lists, the catalogue shows its own pages.

const PAGE = 24;
const FACETS = ["kind", "stars", "group", "commune", "status"];
const form = document.querySelector("[data-finder]");

if (form) start(form).catch((error) => { console.error(error); fail(form); });

function fail(form) {
  const status = document.querySelector("[data-status]");
  if (status) status.textContent = words(form).failed || "";
}

function words(form) {
  try { return JSON.parse(form.dataset.words || "{}"); } catch { return {}; }
}

function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

async function start(form) {
  const mode = form.dataset.finder;
  const w = words(form);
  const status = document.querySelector("[data-status]");
  const list = document.querySelector("[data-results]");
  const more = document.querySelector("[data-more]");
  const fallback = document.querySelector("[data-fallback]");
  const input = form.querySelector("input[type=search]");
  const sort = form.querySelector("[data-sort]");
  const selects = [...form.querySelectorAll("select[data-facet]")];
  const fixed = JSON.parse(form.dataset.fixed || "{}");
  const preset = JSON.parse(form.dataset.preset || "{}");
  const collator = new Intl.Collator(document.documentElement.lang || "vi", { numeric: true });

  const where = new URL(form.dataset.catalogue, location.href);
  const response = await fetch(where);
  if (!response.ok) throw new Error(`${where}: HTTP ${response.status}`);
  const cat = await response.json();
  const C = Object.fromEntries(cat.columns.map((name, i) => [name, i]));
  const rows = cat.rows;
  const labels = cat.labels;
  const communes = labels.communes;  // [slug, name] pairs: the URL names a commune by its slug
  const communeName = Object.fromEntries(communes);

  // The facet value of a row ("" when it has none), and a value's words.
  const value = {
    kind: (r) => r[C.kind],
    stars: (r) => (r[C.stars] ? String(r[C.stars]) : ""),
    group: (r) => r[C.group],
    commune: (r) => (r[C.commune] >= 0 ? communes[r[C.commune]][0] : ""),
    status: (r) => r[C.status],
  };
  const label = (name, v) => (name === "commune" ? communeName[v] : (labels[name] || {})[v]) || v;
  const fits = (r, filters, except) => Object.entries(filters).every(([k, v]) => k === except || value[k](r) === v);

  // Facets: the values rows have (within the fixed filters), in a stable order.
  const params = new URLSearchParams(location.search);
  const pool = rows.filter((r) => fits(r, fixed));
  for (const select of selects) {
    const name = select.dataset.facet;
    const present = new Set(pool.map(value[name]).filter(Boolean));
    const order = name === "commune" ? [...present].sort((a, b) => collator.compare(label(name, a), label(name, b)))
      : Object.keys(labels[name] || {}).filter((v) => present.has(v));
    if (!order.length) { select.closest(".facet").hidden = true; continue; }
    for (const v of order) select.add(new Option(label(name, v), v));
    let wanted = params.get(name) ?? preset[name] ?? "";
    if (!order.includes(wanted)) wanted = order.find((v) => label(name, v) === wanted) || "";  // an old link names the words
    select.value = wanted;
  }
  if (input && params.get("q")) input.value = params.get("q");
  if (sort && params.get("sort") && [...sort.options].some((o) => o.value === params.get("sort"))) sort.value = params.get("sort");
  form.querySelectorAll("[hidden].finder-facets, [hidden].finder-sort").forEach((el) => { el.hidden = false; });
  if (mode === "browse") form.querySelector(".finder-actions")?.setAttribute("hidden", "");

  // The word index, loaded on the first query: the first bundle, and the others merged in.
  let index = null;
  const byHash = new Map(rows.map((r, i) => [r[C.hash], i]));
  function pagefind() {
    index ??= (async () => {
      const bundles = cat.bundles.map((b) => new URL(b, where).href);
      const pf = await import(`${bundles[0]}pagefind.js`);
      await pf.options({ excerptLength: 0 });
      await pf.init();
      for (const b of bundles.slice(1)) await pf.mergeIndex(b);
      return pf;
    })();
    return index;
  }

  // The rows a query matches, best first. Every word must match; with none found, the
  // longest tail of the words that matches ("buoi phuc trach" → "phuc trach") is offered.
  async function matching(q) {
    const pf = await pagefind();
    let found = await pf.search(q);
    let used = q;
    const terms = q.split(/\s+/).filter(Boolean);
    for (let i = 1; !found.results.length && i < terms.length; i++) {
      used = terms.slice(i).join(" ");
      found = await pf.search(used);
    }
    const seen = new Set();
    const order = [];
    for (const result of found.results) {
      const i = byHash.get(result.id);
      if (i !== undefined && !seen.has(i)) { seen.add(i); order.push(i); }
    }
    // Entries named by every word come first, then the rest; within each, those with a
    // star in force first; then Pagefind's order.
    const wanted = fold(used).split(" ").filter(Boolean);
    const named = (i) => { const t = ` ${fold(rows[i][C.title])} `; return wanted.every((x) => t.includes(` ${x}`)); };
    const rank = new Map(order.map((i, n) => [i, [named(i) ? 0 : 1, rows[i][C.status] === "lapsed" ? 1 : 0, n]]));
    order.sort((a, b) => { const x = rank.get(a), y = rank.get(b); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    return { order, used };
  }

  let results = [], shown = 0, run = 0, timer;

  function active() {
    const filters = { ...fixed };
    for (const s of selects) if (s.value) filters[s.dataset.facet] = s.value;
    return filters;
  }

  function remember() {
    const p = new URLSearchParams();
    if (input && input.value.trim()) p.set("q", input.value.trim());
    // a choice other than the list's own is kept, also "all" where the list presets one
    for (const s of selects) if (s.value !== (preset[s.dataset.facet] || "")) p.set(s.dataset.facet, s.value);
    if (sort && sort.value !== sort.options[0].value) p.set("sort", sort.value);
    history.replaceState(null, "", p.toString() ? `?${p}` : location.pathname);
  }

  // Each choice shows how many results it would give with the other filters kept; a
  // choice that would give none is disabled.
  function counts(candidates, filters) {
    for (const s of selects) {
      const name = s.dataset.facet;
      const n = {};
      for (const i of candidates) {
        const r = rows[i];
        if (fits(r, filters, name)) n[value[name](r)] = (n[value[name](r)] || 0) + 1;
      }
      for (const o of s.options) {
        if (!o.value) continue;
        const count = n[o.value] || 0;
        o.textContent = `${label(name, o.value)} (${count})`;
        o.disabled = count === 0 && o.value !== s.value;
      }
    }
  }

  function ordered(indexes) {
    const key = sort ? sort.value : "name";
    if (key === "stars") return indexes.sort((a, b) => rows[b][C.stars] - rows[a][C.stars] || a - b);
    if (key === "date") return indexes.sort((a, b) => rows[b][C.date] - rows[a][C.date] || a - b);
    return indexes;  // rows come in the language's name order
  }

  const everything = rows.map((_r, i) => i);

  async function search() {
    const mine = ++run;
    const q = input ? input.value.trim() : "";
    const filters = active();
    const chosen = Object.keys(filters).length > Object.keys(fixed).length;
    remember();
    if (mode === "search" && !q && !chosen) {
      list.replaceChildren();
      more.parentElement.hidden = true;
      status.textContent = w.type;
      if (fallback) fallback.hidden = false;
      counts(everything, filters);
      return;
    }
    status.textContent = w.searching;
    let candidates = everything, used = q;
    if (q) ({ order: candidates, used } = await matching(q));
    if (mine !== run) return;
    counts(candidates, filters);
    const hits = candidates.filter((i) => fits(rows[i], filters));
    results = q ? hits : ordered(hits);
    list.replaceChildren();
    shown = 0;
    if (mode === "browse") document.querySelectorAll("[data-static]").forEach((el) => { el.hidden = true; });
    if (fallback) fallback.hidden = results.length > 0;
    const n = results.length;
    const count = format(n === 1 ? w.results_one : w.results_other, { n });
    status.textContent = !n ? w.none : used !== q ? format(w.partly, { q, used, count }) : count;
    page();
  }

  function page() {
    for (const i of results.slice(shown, shown + PAGE)) list.append(card(rows[i], C, cat, w));
    shown = Math.min(results.length, shown + PAGE);
    more.parentElement.hidden = shown >= results.length;
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); search(); });
  input?.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 250); });
  for (const s of [...selects, sort].filter(Boolean)) s.addEventListener("change", search);
  more.addEventListener("click", page);

  if (mode === "search" ? input.value || selects.some((s) => s.value) : params.toString()) await search();
  else { counts(everything, active()); if (mode === "search") status.textContent = w.type; }
}

// A search key: lowercase, no tones, đ as d (as the index folds words).
function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

// The same card the pages show: photo or drawn tile, badge, name, kind and commune,
// summary. Every text goes in as text, never as HTML.
function card(r, C, cat, w) {
  const kind = r[C.kind];
  const product = kind === "product";
  const valid = r[C.status] === "valid";
  const li = el("li", "card" + (product && !valid ? " card-expired" : ""));
  const a = el("a");
  a.href = r[C.url];
  const photo = el("span", "card-photo");
  if (r[C.image]) {
    const img = el("img");
    img.src = r[C.image]; img.alt = r[C.image_alt] || ""; img.loading = "lazy"; img.decoding = "async";
    photo.append(img);
  } else {
    const tile = el("span", `tile t-${r[C.theme] || "site"}`);
    tile.setAttribute("aria-hidden", "true");
    const picto = el("img", "tile-picto");
    picto.src = cat.pictos[r[C.theme]] || cat.pictos.site; picto.alt = ""; picto.width = 96; picto.height = 96;
    tile.append(picto, el("span", "tile-name", r[C.title]));
    if (product && r[C.last_stars]) tile.append(el("span", "tile-stars", "★".repeat(r[C.last_stars])));
    photo.append(tile);
  }
  const body = el("span", "card-body");
  if (product && r[C.last_stars]) {
    const badge = el("span", valid ? `badge badge-${r[C.stars]}` : "badge badge-expired",
      format(valid ? w.stars : w.expired, { n: valid ? r[C.stars] : r[C.last_stars] }));
    body.append(badge);
  }
  body.append(el("span", "card-title", r[C.title]));
  const commune = r[C.commune] >= 0 ? cat.labels.communes[r[C.commune]][1] : "";
  const meta = [cat.labels.kind[kind], commune].filter(Boolean).join(" · ");
  if (meta) body.append(el("span", "card-meta", meta));
  if (r[C.summary]) body.append(el("span", "card-summary", r[C.summary]));
  a.append(photo, body);
  li.append(a);
  return li;
}
