// The enquiry list, kept in this browser only (localStorage): product pages add and remove
// products (button [data-enquire]); the enquiry page compares them and writes one message in
// the page's language, to send by e-mail, SMS, Zalo or a call, to the producers' public
// contacts or the office (only contacts the site publishes), or by any app the phone offers.
// Names are put in the page as text (textContent), never as HTML.

const KEY = "ocop-enquiry";

function read() {
  try {
    const ids = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(ids) ? ids.filter((x) => typeof x === "string") : [];
  } catch { return []; }
}

function write(ids) {
  try { localStorage.setItem(KEY, JSON.stringify(ids)); return true; } catch { return false; }
}

function json(text, fallback) {
  try { return JSON.parse(text || ""); } catch { return fallback; }
}

function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c != null) node.append(c);
  return node;
}

// --- a product page's button ------------------------------------------------------------

for (const button of document.querySelectorAll("[data-enquire]")) {
  const id = button.dataset.enquire;
  const link = document.querySelector("[data-enquiry-link]");
  const show = () => {
    const has = read().includes(id);
    button.textContent = has ? button.dataset.remove : button.dataset.add;
    button.setAttribute("aria-pressed", has ? "true" : "false");
    if (link) link.hidden = read().length === 0;
  };
  button.addEventListener("click", () => {
    const ids = read();
    write(ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]);
    show();
  });
  if (write(read())) { button.hidden = false; show(); }  // no storage (private mode, blocked): no button
}

// --- the enquiry page ---------------------------------------------------------------------

const root = document.querySelector("[data-enquiry]");
if (root) page(root).catch((error) => { console.error(error); status(root, json(root.dataset.words, {}).failed || ""); });

function status(root, text) {
  root.querySelector("[data-status]").textContent = text;
}

// A phone number as a link target: digits and a leading +.
function dial(phone) {
  return phone.replace(/[^\d+]/g, "");
}

async function page(root) {
  const w = json(root.dataset.words, {});
  const office = json(root.dataset.office, null);
  const lang = document.documentElement.lang || "vi";
  const locale = lang === "vi" ? "vi-VN" : lang;
  const money = new Intl.NumberFormat(locale, { style: "currency", currency: "VND", maximumFractionDigits: 0 });
  const day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "numeric", year: "numeric", timeZone: "UTC" });
  const date = (iso) => day.format(new Date(iso + "T00:00:00Z"));
  document.querySelector("[data-fallback]").hidden = true;
  const response = await fetch(root.dataset.lookup);
  if (!response.ok) throw new Error(`${root.dataset.lookup}: ${response.status}`);
  const data = await response.json();
  const C = Object.fromEntries(data.columns.map((name, i) => [name, i]));
  const byId = new Map(data.rows.map((r) => [r[C.id], r]));
  const compare = root.querySelector("[data-compare]");
  const send = root.querySelector("[data-send]");
  const message = root.querySelector("[data-message]");
  const recipients = root.querySelector("[data-recipients]");
  const share = root.querySelector("[data-share]");

  function validity(r) {
    const s = r[C.status];
    if (s === "valid") return r[C.valid_until] ? format(w.valid_until, { date: date(r[C.valid_until]) }) : w.none;
    return w[s] || w.unknown;
  }

  function text(rows) {
    const lines = rows.map((r, i) => `${i + 1}. ${r[C.name]}${r[C.producer] ? ` (${r[C.producer]})` : ""} – ${new URL(r[C.url], location.href).href}`);
    return [format(w.greeting, { site: root.dataset.site }), ...lines, "", w.closing].join("\n");
  }

  function actions(phone, zalo, email, body) {
    const list = el("ul", { class: "actions" });
    const subject = encodeURIComponent(w.subject);
    if (email) list.append(el("li", {}, el("a", { class: "btn btn-primary", href: `mailto:${email}?subject=${subject}&body=${encodeURIComponent(body)}` }, w.email)));
    if (phone) {
      list.append(el("li", {}, el("a", { class: "btn", href: `sms:${dial(phone)}?&body=${encodeURIComponent(body)}` }, w.sms)));
      list.append(el("li", {}, el("a", { class: "btn", href: `tel:${dial(phone)}` }, format(w.call, { phone }))));
    }
    if (zalo) list.append(el("li", {}, el("a", { class: "btn", href: `https://zalo.me/${dial(zalo).replace(/^\+84/, "0")}`, rel: "noopener", title: w.zalo_hint }, format(w.zalo, { phone: zalo }))));
    return list;
  }

  function recipientsOf(rows, body) {
    const groups = new Map();  // one recipient per public contact, with the products it answers for
    for (const r of rows) {
      const c = r[C.contact];
      if (!c) continue;
      const key = c.join("|");
      if (!groups.has(key)) groups.set(key, { contact: c, name: r[C.producer] || r[C.name], products: [] });
      groups.get(key).products.push(r[C.name]);
    }
    const out = [];
    for (const g of groups.values()) {
      const [phone, zalo, email] = g.contact;
      out.push(el("div", { class: "recipient" },
        el("h3", {}, format(w.to_producer, { name: g.name })),
        rows.length > 1 ? el("p", {}, format(w.about, { products: g.products.join(", ") })) : null,
        actions(phone, zalo, email, body)));
    }
    if (office && (office.phone || office.email)) {
      out.push(el("div", { class: "recipient" }, el("h3", {}, format(w.to_office, { name: office.name })),
        actions(office.phone, null, office.email, body)));
    }
    if (!groups.size) {
      out.push(el("p", { class: "empty" }, w.no_contact),
        el("ul", { class: "actions" },
          el("li", {}, el("a", { class: "btn", href: `mailto:?subject=${encodeURIComponent(w.subject)}&body=${encodeURIComponent(body)}` }, w.email)),
          el("li", {}, el("a", { class: "btn", href: `sms:?&body=${encodeURIComponent(body)}` }, w.sms))));
    }
    return out;
  }

  function draw() {
    const ids = read();
    const rows = ids.map((id) => byId.get(id)).filter(Boolean);
    const gone = ids.filter((id) => !byId.has(id));
    status(root, !ids.length ? w.empty : format(ids.length === 1 ? w.count_one : w.count_other, { n: ids.length }));
    compare.hidden = send.hidden = !ids.length;
    const body = root.querySelector("[data-rows]");
    body.replaceChildren();
    for (const r of rows) {
      const remove = el("button", { type: "button", class: "btn", "aria-label": format(w.remove, { name: r[C.name] }) }, w.remove_short);
      remove.addEventListener("click", () => { write(read().filter((x) => x !== r[C.id])); draw(); });
      const stars = r[C.stars] ? format(w.stars, { n: r[C.stars] }) : format(w.last_stars, { n: r[C.last_stars] });
      const price = r[C.price] ? money.format(r[C.price][0]) + (r[C.price][1] ? ` / ${r[C.price][1]}` : "") : w.none;
      body.append(el("tr", { class: r[C.status] === "valid" ? "" : "expired" },
        el("th", { scope: "row" }, el("a", { href: r[C.url] }, r[C.name])),
        el("td", {}, stars), el("td", {}, price),
        el("td", {}, r[C.packaging].length ? r[C.packaging].join(", ") : w.none),
        el("td", {}, validity(r)), el("td", {}, remove)));
    }
    for (const id of gone) {  // a product removed from the site since it was added
      const remove = el("button", { type: "button", class: "btn" }, w.remove_short);
      remove.addEventListener("click", () => { write(read().filter((x) => x !== id)); draw(); });
      body.append(el("tr", { class: "expired" }, el("th", { scope: "row" }, id), el("td", { colspan: "4" }, w.gone), el("td", {}, remove)));
    }
    const text_ = text(rows);
    message.value = text_;
    recipients.replaceChildren(...recipientsOf(rows, text_));
  }

  root.querySelector("[data-clear]").addEventListener("click", () => { write([]); draw(); });
  root.querySelector("[data-copy]").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(message.value); } catch { message.select(); document.execCommand("copy"); }
    status(root, w.copied);
  });
  if (navigator.share) {
    share.hidden = false;
    share.addEventListener("click", () => navigator.share({ title: w.subject, text: message.value }).catch(() => {}));
  }
  message.addEventListener("input", () => {  // the links carry what the visitor wrote
    const rows = read().map((id) => byId.get(id)).filter(Boolean);
    recipients.replaceChildren(...recipientsOf(rows, message.value));
  });
  window.addEventListener("storage", (event) => { if (event.key === KEY) draw(); });
  draw();
}
