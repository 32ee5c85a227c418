// Check a product: a barcode (GTIN), a decision number or a name → the product's state on the
// build date, its recognitions with their sources, its producer. Answered here from the
// language's lookup file (outputs/lookup.py), so nothing is sent anywhere. Every name is put
// in the page as text (textContent), never as HTML.

const form = document.querySelector("[data-checker]");
if (form) start(form).catch((error) => { console.error(error); say(words(form).failed || ""); });

const SHOWN = 20;

function words(form) {
  try { return JSON.parse(form.dataset.words || "{}"); } catch { return {}; }
}

function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

function say(text) {
  const status = document.querySelector("[data-status]");
  if (status) status.textContent = text;
}

// A search key: lowercase, no tones, đ as d, only letters and digits between single spaces.
function fold(text) {
  return (text || "").normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c != null) node.append(c);
  return node;
}

async function start(form) {
  const w = words(form);
  const input = form.querySelector("input[name=q]");
  const list = document.querySelector("[data-results]");
  const fallback = document.querySelector("[data-fallback]");
  if (fallback) fallback.hidden = true;
  const lang = document.documentElement.lang || "vi";
  const day = new Intl.DateTimeFormat(lang === "vi" ? "vi-VN" : lang, { day: "numeric", month: "numeric", year: "numeric", timeZone: "UTC" });
  const date = (iso) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? day.format(new Date(iso + "T00:00:00Z")) : iso);
  let data = null;

  async function load() {
    if (data) return data;
    say(w.loading);
    const response = await fetch(form.dataset.lookup);
    if (!response.ok) throw new Error(`${form.dataset.lookup}: ${response.status}`);
    const json = await response.json();
    const C = Object.fromEntries(json.columns.map((name, i) => [name, i]));
    const rows = json.rows.map((r) => ({
      r, name: ` ${fold(r[C.name])} `, gtin: r[C.gtin] ? r[C.gtin].padStart(14, "0") : "",
      decisions: r[C.recognitions].map((x) => fold(x[0])).filter(Boolean),
    }));
    data = { C, rows };
    return data;
  }

  function find(query) {
    const { rows } = data;
    const digits = query.replace(/[\s.\-]/g, "");
    if (/^\d{8,14}$/.test(digits)) {  // a barcode
      const gtin = digits.padStart(14, "0");
      const hits = rows.filter((x) => x.gtin === gtin);
      if (hits.length) return hits;
    }
    const key = fold(query);
    if (!key) return [];
    if (/\d/.test(key)) {  // a decision number: "1234/QĐ-UBND" matches "1234 qd ubnd", also "1234"
      const hits = rows.filter((x) => x.decisions.some((d) => d === key || d.startsWith(key + " ")));
      if (hits.length) return hits;
    }
    const wanted = key.split(" ");
    return rows.filter((x) => wanted.every((t) => x.name.includes(` ${t}`)));
  }

  function state(r, C) {
    const s = r[C.status];
    const until = r[C.valid_until];
    if (s === "valid") return [w.valid + (until ? " " + format(w.until, { date: date(until) }) : ""), "valid"];
    if (s === "upcoming") return [w.upcoming, "upcoming"];
    if (s === "expired") return [w.expired + (until ? " " + format(w.since, { date: date(until) }) : ""), "expired"];
    return [w.unknown_state, "unknown"];
  }

  function item({ r }) {
    const { C } = data;
    const [label, cls] = state(r, C);
    const stars = r[C.stars] ? format(w.stars, { n: r[C.stars] }) : format(w.last_stars, { n: r[C.last_stars] });
    const facts = el("dl", { class: "facts" },
      el("dt", {}, w.producer),
      el("dd", {}, r[C.producer] ? el("a", { href: r[C.producer_url] }, r[C.producer]) : w.no_producer));
    if (r[C.gtin]) facts.append(el("dt", {}, w.gtin), el("dd", {}, r[C.gtin]));
    const past = el("ul", { class: "check-history" });
    for (const [decision, n, when, until, s] of r[C.recognitions]) {
      const line = [format(w.stars, { n }), when ? date(when) : "", decision ? `${w.decision} ${decision}` : w.no_decision];
      const text = line.filter(Boolean).join(" · ");
      past.append(el("li", { class: s === "valid" ? "" : "expired" }, text + (until ? ` (${format(w.until, { date: date(until) })})` : "")));
    }
    facts.append(el("dt", {}, w.recognitions), el("dd", {}, past));
    const sources = el("ul", { class: "check-sources" });
    r[C.sources].forEach((url, i) => {
      let host = url;
      try { host = new URL(url).hostname.replace(/^www\./, ""); } catch { /* shown as written */ }
      sources.append(el("li", {}, el("a", { href: url, rel: "noopener nofollow" }, `${format(w.source, { n: i + 1 })}: ${host}`)));
    });
    if (r[C.sources].length) facts.append(el("dt", {}, w.sources), el("dd", {}, sources));
    return el("li", { class: `check ${cls}` },
      el("h2", {}, el("a", { href: r[C.url] }, r[C.name])),
      el("p", { class: `verdict ${cls}` }, el("strong", {}, label), " · ", stars),
      facts);
  }

  async function run() {
    const query = input.value.trim();
    list.replaceChildren();
    if (!query) { say(w.type); return; }
    await load();
    const hits = find(query);
    if (!hits.length) { say(format(w.unknown, { q: query })); return; }
    say(format(hits.length === 1 ? w.found_one : w.found_other, { n: hits.length, q: query })
      + (hits.length > SHOWN ? " " + format(w.more, { n: hits.length - SHOWN }) : ""));
    list.replaceChildren(...hits.slice(0, SHOWN).map(item));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set("q", input.value.trim());
    history.replaceState(null, "", url);
    run().catch((error) => { console.error(error); say(w.failed); });
  });
  const q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; await run(); } else say(w.type);
}
