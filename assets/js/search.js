// Search and combined filters, in the browser, with the site's Pagefind index.
// One script for two forms: the search page (data-finder="search": words + facets) and the
// catalogue (data-finder="browse": facets + sort over products). Without JavaScript both
// pages still work: the search page links to the lists, the catalogue shows its own pages.
// No third-party request: the index and pagefind.js are the site's own files.

const PAGE = 24;
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

  const pagefind = await import(form.dataset.index);
  await pagefind.options({ excerptLength: 0 });
  await pagefind.init();

  // Facets: every value the index has for this kind of list, with counts. (Pagefind counts
  // every filter in a search only once its filters are loaded: filters() first.)
  let all = await pagefind.filters();
  if (Object.keys(fixed).length) all = (await pagefind.search(null, { filters: fixed })).filters;
  const params = new URLSearchParams(location.search);
  for (const select of selects) {
    const name = select.dataset.facet;
    const values = Object.keys(all[name] || {}).sort((a, b) => collator.compare(a, b));
    if (!values.length) { select.closest(".facet").hidden = true; continue; }
    for (const value of values) select.add(new Option(value, value));
    const wanted = params.get(name) ?? preset[name] ?? "";
    if (values.includes(wanted)) select.value = wanted;
  }
  if (input && params.get("q")) input.value = params.get("q");
  if (sort && params.get("sort")) sort.value = params.get("sort");
  form.querySelectorAll("[hidden].finder-facets, [hidden].finder-sort").forEach((el) => { el.hidden = false; });
  if (mode === "browse") form.querySelector(".finder-actions")?.setAttribute("hidden", "");

  let shown = [], results = [], run = 0, timer;

  function active() {
    const filters = { ...fixed };
    for (const s of selects) if (s.value) filters[s.dataset.facet] = s.value;
    return filters;
  }

  function remember() {
    const p = new URLSearchParams();
    if (input && input.value.trim()) p.set("q", input.value.trim());
    for (const s of selects) if (s.value && s.value !== preset[s.dataset.facet]) p.set(s.dataset.facet, s.value);
    if (sort && sort.value !== sort.options[0].value) p.set("sort", sort.value);
    history.replaceState(null, "", p.toString() ? `?${p}` : location.pathname);
  }

  function counts(filters) {
    // a choice that would give no result is disabled, and every count is shown
    for (const s of selects) {
      const name = s.dataset.facet;
      for (const o of s.options) {
        if (!o.value) continue;
        const n = (filters[name] || {})[o.value] || 0;
        o.textContent = `${o.value} (${n})`;
        o.disabled = n === 0 && o.value !== s.value;
      }
    }
  }

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
      counts(all);
      return;
    }
    status.textContent = w.searching;
    const options = { filters };
    if (sort) options.sort = JSON.parse(sort.value);
    let found = await pagefind.search(q || null, options);
    // every word must match; with none found, the longest tail of the words that matches
    // ("buoi phuc trach" → "phuc trach") is offered, and said so
    let used = q;
    const terms = q.split(/\s+/).filter(Boolean);
    for (let i = 1; found && !found.results.length && i < terms.length; i++) {
      used = terms.slice(i).join(" ");
      found = await pagefind.search(used, options);
    }
    if (mine !== run || !found) return;
    results = found.results;
    counts(found.filters || {});
    list.replaceChildren();
    shown = [];
    if (mode === "browse") document.querySelectorAll("[data-static]").forEach((el) => { el.hidden = true; });
    if (fallback) fallback.hidden = results.length > 0;
    const n = results.length;
    const count = format(n === 1 ? w.results_one : w.results_other, { n });
    status.textContent = !n ? w.none : used !== q ? format(w.partly, { q, used, count }) : count;
    await page(mine);
  }

  async function page(mine) {
    const next = results.slice(shown.length, shown.length + PAGE);
    const data = await Promise.all(next.map((r) => r.data()));
    if (mine !== run) return;
    for (const d of data) list.append(card(d, w));
    shown = shown.concat(next);
    more.parentElement.hidden = shown.length >= results.length;
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); search(); });
  input?.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 250); });
  for (const s of [...selects, sort].filter(Boolean)) s.addEventListener("change", search);
  more.addEventListener("click", () => page(run));

  if (mode === "search" ? input.value || selects.some((s) => s.value) : params.toString()) await search();
  else { counts(all); if (mode === "search") status.textContent = w.type; }
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

// The same card the pages show: photo or drawn tile, badge, name, commune, summary.
function card(d, w) {
  const m = d.meta || {};
  const product = m.kind === "product";
  const li = el("li", "card" + (product && m.status !== "valid" ? " card-expired" : ""));
  const a = el("a");
  a.href = m.url || d.url;
  const photo = el("span", "card-photo");
  if (m.image) {
    const img = el("img");
    img.src = m.image; img.alt = m.image_alt || ""; img.loading = "lazy"; img.decoding = "async";
    photo.append(img);
  } else {
    const tile = el("span", `tile t-${m.theme || "site"}`);
    tile.setAttribute("aria-hidden", "true");
    const picto = el("img", "tile-picto");
    picto.src = m.picto; picto.alt = ""; picto.width = 96; picto.height = 96;
    tile.append(picto, el("span", "tile-name", m.title));
    if (product && m.stars) tile.append(el("span", "tile-stars", "★".repeat(Number(m.stars))));
    photo.append(tile);
  }
  const body = el("span", "card-body");
  if (product && m.stars) {
    const valid = m.status === "valid";
    const badge = el("span", valid ? `badge badge-${m.stars}` : "badge badge-expired",
      format(valid ? w.stars : w.expired, { n: m.stars }));
    body.append(badge);
  }
  body.append(el("span", "card-title", m.title));
  const where = [d.filters?.kind?.[0], m.commune].filter(Boolean).join(" · ");
  if (where) body.append(el("span", "card-meta", where));
  if (m.summary) body.append(el("span", "card-summary", m.summary));
  a.append(photo, body);
  li.append(a);
  return li;
}
