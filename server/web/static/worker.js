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
const inFlight = new Set(); // ids of calls not answered yet

self.onmessage = (ev) => {
  const m = ev.data;
  if (m.init) {
    try {
      importScripts(m.exec);
      const go = new Go();
      self.lanterneReady = () => { lt = self.lanterne; for (const q of queue.splice(0)) handle(q); };
      WebAssembly.instantiateStreaming(fetch(m.wasm), go.importObject)
        .then((r) => go.run(r.instance))
        .then(() => fail("the module stopped"), (e) => fail(String(e)));
    } catch (e) {
      fail(String(e));
    }
    return;
  }
  if (failed) { self.postMessage({ id: m.id, ok: false, error: failed }); return; }
  if (!lt) { queue.push(m); return; }
  handle(m);
};

// fail answers every waiting and running call, and every later one, with
// a "wasm" error: the module is gone (it exited or could not start), and
// only reloading the page starts it again.
function fail(message) {
  failed = { code: "wasm", message };
  for (const q of queue.splice(0)) self.postMessage({ id: q.id, ok: false, error: failed });
  for (const id of inFlight) self.postMessage({ id, ok: false, error: failed });
  inFlight.clear();
}

async function handle(m) {
  inFlight.add(m.id);
  try {
    const target = m.case ? cases.get(m.case) : lt;
    if (!target || typeof target[m.fn] !== "function") {
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
    if (inFlight.delete(m.id)) self.postMessage({ id: m.id, ok: true, value: v === undefined ? null : v });
  } catch (err) {
    const e = err && err.code ? { code: String(err.code), message: String(err.message || "") } : { code: "failed", message: String(err) };
    if (inFlight.delete(m.id)) self.postMessage({ id: m.id, ok: false, error: e });
  }
}
