// Runs lanterne.wasm in a Web Worker, off the page's thread: Argon2id and
// the encryption of large files take seconds, during which the page must
// still answer — above all its "Quitter rapidement" button. The page talks
// to it through L.wasm() (app.js): {id, fn, args, case, progress} in,
// {id, ok, value | error} or {id, progress} out.
"use strict";
let lt = null;
let failed = null;
const queue = [];
const cases = new Map();
let nextCase = 1;

self.onmessage = (ev) => {
  const m = ev.data;
  if (m.init) {
    try {
      importScripts(m.exec);
      const go = new Go();
      self.lanterneReady = () => { lt = self.lanterne; for (const q of queue.splice(0)) handle(q); };
      WebAssembly.instantiateStreaming(fetch(m.wasm), go.importObject)
        .then((r) => go.run(r.instance))
        .catch((e) => fail(String(e)));
    } catch (e) {
      fail(String(e));
    }
    return;
  }
  if (failed) { self.postMessage({ id: m.id, ok: false, error: failed }); return; }
  if (!lt) { queue.push(m); return; }
  handle(m);
};

function fail(message) {
  failed = { code: "wasm", message };
  for (const q of queue.splice(0)) self.postMessage({ id: q.id, ok: false, error: failed });
}

async function handle(m) {
  try {
    const target = m.case ? cases.get(m.case) : lt;
    if (!target || typeof target[m.fn] !== "function" || m.fn === "party") {
      throw { code: "bad_argument", message: "no such function" };
    }
    const args = m.args.slice();
    if (m.progress) args.push((p) => self.postMessage({ id: m.id, progress: p }));
    let v = await target[m.fn](...args);
    if (m.fn === "openCase" && !m.case) {
      const id = nextCase++;
      cases.set(id, v);
      v = { case: id, party: v.party };
    }
    self.postMessage({ id: m.id, ok: true, value: v === undefined ? null : v });
  } catch (err) {
    const e = err && err.code ? { code: String(err.code), message: String(err.message || "") } : { code: "failed", message: String(err) };
    self.postMessage({ id: m.id, ok: false, error: e });
  }
}
