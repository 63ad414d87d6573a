// Lanterne — shared code of the reporter's pages: strings, quick exit, the
// organisation's pinned fingerprint, and the WebAssembly module that does all
// the cryptography (client/wasm), run in a worker. No framework, no third
// party.
"use strict";

const L = (() => {
  const body = document.body;
  const org = body.dataset.org || "";
  const lang = body.dataset.lang || "fr";
  const strings = JSON.parse(document.getElementById("strings").textContent || "{}");

  // t returns the string of key in the page language, with {name}
  // placeholders replaced from vars.
  function t(key, vars) {
    let s = strings[key];
    if (s === undefined) s = key;
    if (vars) for (const k of Object.keys(vars)) s = s.split("{" + k + "}").join(String(vars[k]));
    return s;
  }

  // el builds an element: el("p", {class: "x", text: "…"}, child, …).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") e.textContent = v;
      else if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  // errorText translates a bridge error {code, message}.
  function errorText(err) {
    const code = (err && err.code) || "failed";
    const s = strings["err." + code];
    return s !== undefined ? s : t("err.failed");
  }

  // Quick exit: forget this tab's traces and leave for a neutral page,
  // replacing the current history entry so "back" does not return here.
  const exit = document.getElementById("quick-exit");
  function quickExit(ev) {
    if (ev) ev.preventDefault();
    try { sessionStorage.clear(); } catch (e) { /* storage disabled */ }
    location.replace(exit.href);
  }
  exit.addEventListener("click", quickExit);
  // Three presses of Escape in a row also leave.
  let escapes = 0, escTimer = 0;
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape") return;
    escapes++;
    clearTimeout(escTimer);
    escTimer = setTimeout(() => { escapes = 0; }, 1500);
    if (escapes >= 3) quickExit();
  });

  // Leaving a page with a form the reporter filled, or with a case code not
  // yet written down, erases it: nothing is ever saved on the device. The
  // site's own links (the language switch, the menus) ask first; the quick
  // exit never does.
  const leaveChecks = [];
  function leaveWarning() {
    for (const check of leaveChecks) {
      const msg = check();
      if (msg) return msg;
    }
    return "";
  }
  function guardLeaving(check) { leaveChecks.push(check); }
  for (const a of document.querySelectorAll('a[href^="/"], a[href^="?"]')) {
    if (a === exit) continue;
    a.addEventListener("click", (ev) => {
      const msg = leaveWarning();
      if (msg && !window.confirm(msg)) { ev.preventDefault(); return; }
      // The language switch keeps the fragment (the pinned fingerprint).
      if (a.hasAttribute("data-keep-hash") && location.hash) a.href = a.href.split("#")[0] + location.hash;
    });
  }
  // watchForm makes the site's links ask before leaving form with text
  // typed or files chosen.
  function watchForm(form, files) {
    guardLeaving(() => ((files && files.length > 0) ||
      [...form.querySelectorAll("textarea, input[type=text]")].some((f) => f.value.trim() !== "")) ? t("lang.losechanges") : "");
  }

  // pin returns the fingerprint this tab trusts for the organisation, and
  // whether it came from a link (the poster's, #fp=…) — remembered for the
  // tab — or only from a first visit without one, which the reporter is
  // asked to compare with the poster on every page until a link brings it.
  function pin() {
    const linkKey = "lanterne.fp." + org;
    const firstKey = "lanterne.seen." + org;
    const m = /(?:^#|&)fp=([0-9A-Za-z-]+)/.exec(location.hash);
    let fp = m ? m[1].toUpperCase() : "";
    let seen = "";
    try {
      if (fp) sessionStorage.setItem(linkKey, fp);
      else fp = sessionStorage.getItem(linkKey) || "";
      if (!fp) seen = sessionStorage.getItem(firstKey) || "";
    } catch (e) { /* storage disabled: the link's fingerprint only */ }
    return { fp, seen };
  }

  let wasmPromise = null;
  // wasm starts the WebAssembly module in a worker (worker.js), once, and
  // resolves with its interface: the functions of client/wasm, each
  // returning a Promise; openCase resolves with a case object whose methods
  // do the same.
  function wasm() {
    if (wasmPromise) return wasmPromise;
    const worker = new Worker(body.dataset.worker);
    const pending = new Map();
    let seq = 0;
    let broken = null;
    worker.onmessage = (ev) => {
      const m = ev.data;
      const p = pending.get(m.id);
      if (!p) return;
      if (m.progress) { if (p.onProgress) p.onProgress(m.progress); return; }
      pending.delete(m.id);
      if (m.ok) p.resolve(m.value); else p.reject(m.error);
    };
    worker.onerror = (ev) => {
      broken = { code: "wasm", message: String(ev.message || "worker") };
      for (const p of pending.values()) p.reject(broken);
      pending.clear();
    };
    worker.postMessage({ init: true, wasm: body.dataset.wasm, exec: body.dataset.exec });
    const call = (fn, args, opts) => new Promise((resolve, reject) => {
      if (broken) { reject(broken); return; }
      const id = ++seq;
      const onProgress = opts && opts.onProgress;
      pending.set(id, { resolve, reject, onProgress });
      worker.postMessage({ id, fn, args, case: (opts && opts.case) || 0, progress: !!onProgress });
    });
    const openedCase = (h) => {
      const on = { case: h.case };
      return {
        party: h.party,
        status: () => call("status", [], on),
        report: () => call("report", [], on),
        messages: () => call("messages", [], on),
        reply: (text) => call("reply", [text], on),
        markRead: (n) => call("markRead", [n], on),
        attach: (file, onProgress) => call("attach", [file], { case: h.case, onProgress }),
        releaseIdentity: () => call("releaseIdentity", [], on),
        declineIdentity: (text) => call("declineIdentity", [text || ""], on),
        invite: (text) => call("invite", [text || ""], on),
        consent: (given, text) => call("consent", [given, text || ""], on),
      };
    };
    wasmPromise = Promise.resolve({
      loadDirectory: (org, fp) => call("loadDirectory", [org, fp]),
      // parseCode resolves with {code} (its printed form) or {error}.
      parseCode: (text) => call("parseCode", [text]),
      submit: (sub, files, onProgress) => call("submit", [sub, [...files]], { onProgress }),
      openCase: (code) => call("openCase", [code]).then(openedCase),
      readInvitation: (code) => call("readInvitation", [code]),
      redeem: (code, sub, files, onProgress) => call("redeem", [code, sub, [...(files || [])]], { onProgress }),
      readers: (channel, authority, excluded) => call("readers", [channel, authority, excluded]),
      timeDerive: (org, n) => call("timeDerive", [org, n]),
    });
    return wasmPromise;
  }

  // stop replaces the page's content with a warning: nothing may be sent.
  function stop(title, text) {
    const main = document.getElementById("main");
    main.replaceChildren(el("div", { class: "stop", role: "alert" },
      el("h1", { text: title }), el("p", { text: text }),
      el("p", {}, el("a", { href: "/" + (lang === "en" ? "?lang=en" : ""), text: t("trust.leave") }))));
    main.focus();
  }

  let dirPromise = null;
  // directory loads and verifies the organisation's signed directory
  // against the pinned fingerprint. A mismatch stops everything. Without a
  // pin from a link, the directory is checked against the fingerprint seen
  // on the first page of this visit (so that it cannot change between
  // pages), and a banner asks to compare it with the poster.
  function directory() {
    if (!dirPromise) {
      const p = pin();
      dirPromise = wasm().then((lt) => lt.loadDirectory(org, p.fp || p.seen)).then((d) => {
        for (const n of document.querySelectorAll("[data-org-name]")) n.textContent = d.org_name;
        for (const n of document.querySelectorAll("[data-fingerprint]")) n.textContent = d.fingerprint;
        if (!p.fp) {
          const box = document.getElementById("trust-alert");
          box.hidden = false;
          box.replaceChildren(el("p", {}, el("strong", { text: t("trust.unpinned.title") }), " ",
            t("trust.unpinned.text"), " ", el("span", { class: "fp", text: d.fingerprint })));
          try { sessionStorage.setItem("lanterne.seen." + org, d.fingerprint); } catch (e) { /* no storage */ }
        }
        return d;
      }, (err) => {
        if (err && (err.code === "fingerprint_mismatch" || err.code === "directory_invalid" || err.code === "directory_rollback")) {
          stop(t("trust.mismatch.title"), t("trust.mismatch.text"));
        } else {
          stop(t("trust.unavailable.title"), errorText(err));
        }
        throw err;
      });
    }
    return dirPromise;
  }

  // announce speaks a message in the page's polite live region.
  function announce(text) {
    const r = document.getElementById("live");
    if (r) { r.textContent = ""; setTimeout(() => { r.textContent = text; }, 50); }
  }

  // formatSize prints a byte count for people.
  function formatSize(n) {
    const units = lang === "en" ? ["bytes", "KB", "MB", "GB"] : ["octets", "Ko", "Mo", "Go"];
    let i = 0;
    while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return (i === 0 ? String(n) : n.toLocaleString(lang, { maximumFractionDigits: 1 })) + " " + units[i];
  }

  function formatDay(day) { // "2026-12-01" → local long date
    if (!day) return "";
    const [y, m, d] = day.split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang, { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" });
  }

  function formatTime(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString(lang, { dateStyle: "long", timeStyle: "short" });
  }

  // errorBox shows a form's problems in box (a role=alert element): a list
  // of [field, message] pairs, each message a link that focuses its field.
  function errorBox(box, form) {
    let described = []; // [field, id added to its aria-describedby]
    function clear() {
      box.hidden = true;
      box.replaceChildren();
      for (const f of form.querySelectorAll("[aria-invalid]")) f.removeAttribute("aria-invalid");
      for (const [field, id] of described) {
        const rest = (field.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== id);
        if (rest.length) field.setAttribute("aria-describedby", rest.join(" ")); else field.removeAttribute("aria-describedby");
      }
      described = [];
    }
    // fail lists the problems; each invalid field is described by its
    // message too, so that a screen reader says why when it gets there.
    function fail(messages) {
      clear();
      box.replaceChildren(el("p", { text: t("form.errors") }), el("ul", {}, ...messages.map(([field, msg], i) => {
        const id = (box.id || "errors") + "-" + i;
        if (field) {
          field.setAttribute("aria-invalid", "true");
          field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + id).trim());
          described.push([field, id]);
        }
        return el("li", { id }, field ? el("a", { href: "#" + field.id, onclick: (ev) => { ev.preventDefault(); field.focus(); }, text: msg }) : msg);
      })));
      box.hidden = false;
      box.focus();
    }
    return { clear, fail };
  }

  // fileChooser keeps the files picked with input (several picks add up)
  // and lists them in list, each with a button that removes it. Nothing is
  // read before sending.
  function fileChooser(input, list) {
    const files = [];
    function draw() {
      list.replaceChildren(...files.map((f, i) => el("li", {},
        el("span", { text: `${f.name} (${formatSize(f.size)})` }), " ",
        el("button", { type: "button", class: "button small", text: t("files.remove"), "aria-label": t("files.remove.named", { name: f.name }),
          onclick: () => { files.splice(i, 1); draw(); announce(t("files.removed", { name: f.name })); input.focus(); } }))));
    }
    input.addEventListener("change", () => {
      for (const f of input.files) files.push(f);
      input.value = "";
      draw();
    });
    files.clear = () => { files.length = 0; draw(); };
    return files;
  }

  // progressBars returns the onProgress callback of an upload: one labelled
  // <progress> per file in list, announced when the file is stored.
  function progressBars(list, prefix) {
    const bars = [];
    const onProgress = (p) => {
      let b = bars[p.file];
      if (!b) {
        const id = prefix + p.file;
        b = { bar: el("progress", { id, max: "100", value: "0" }), text: el("span", {}) };
        list.append(el("li", {}, el("label", { for: id, text: p.name }), " ", b.bar, " ", b.text));
        bars[p.file] = b;
      }
      const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
      b.bar.value = pct;
      b.text.textContent = `${pct} %`;
      if (p.done === p.total) announce(t("files.sent", { name: p.name }));
    };
    // reset empties the list, for another attempt.
    onProgress.reset = () => { bars.length = 0; list.replaceChildren(); };
    return onProgress;
  }

  // base is the organisation's page prefix, q the language query.
  const q = lang === "en" ? "?lang=en" : "";
  const base = "/o/" + encodeURIComponent(org) + "/";

  return { org, lang, q, base, t, el, errorText, wasm, directory, announce, formatSize, formatDay, formatTime, stop, errorBox, fileChooser, progressBars, watchForm, guardLeaving };
})();
