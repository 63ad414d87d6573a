// The confirmation of a submission: the case code, shown once, with copy,
// print and download, a check that the reporter wrote it down right, and
// the acknowledgement of everything submitted (sizes and hashes of the
// ciphertext the server stored).
"use strict";
const Receipt = (() => {
  const { t, el, errorText, formatSize, formatDay, formatTime } = L;

  function itemName(it) {
    switch (it.kind) {
      case "report": return t("item.report");
      case "identity": return t("item.identity");
      case "identity_release": return t("item.release");
      case "file": return t("item.file", { name: it.name });
      case "message": return t("item.message", { name: it.name });
    }
    return it.kind;
  }

  function text(r) {
    const lines = [t("receipt.file.title"), "", t("receipt.file.code", { code: r.code }), t("receipt.file.org", { org: r.org_id }),
      t("receipt.file.time", { time: formatTime(r.submitted_at) }), ""];
    for (const it of r.items) lines.push(`- ${itemName(it)} — ${it.size} — SHA-256 ${it.sha256}`);
    lines.push("", t("receipt.file.keep"));
    return lines.join("\n") + "\n";
  }

  function show(r) {
    // Until the code is checked, downloaded or printed, the site's links
    // ask before leaving the page, which would lose it for good.
    let kept = false;
    L.guardLeaving(() => (kept ? "" : t("confirm.leave")));
    document.getElementById("case-code").textContent = r.code;
    if (r.error) {
      const e = document.getElementById("done-error");
      e.textContent = t("confirm.partial") + " " + errorText(r.error);
      e.hidden = false;
    }
    document.getElementById("ack-time").textContent = t("confirm.ack.time", { time: formatTime(r.submitted_at) });
    if (r.deadlines && r.deadlines.ack_due) {
      document.getElementById("ack-deadlines").textContent = t("confirm.ack.deadlines", { ack: formatDay(r.deadlines.ack_due), feedback: formatDay(r.deadlines.feedback_due) });
    }
    document.getElementById("receipt-items").replaceChildren(...r.items.map((it) => el("tr", {},
      el("td", {}, itemName(it), it.unscrubbed ? el("span", { class: "note", text: " " + t("item.unscrubbed") }) : null,
        it.removed && it.removed.length ? el("span", { class: "note", text: " " + t("item.scrubbed", { what: it.removed.map((x) => t("scrub." + x)).join(", ") }) }) : null,
        it.rotated ? el("span", { class: "note", text: " " + t("item.rotated") }) : null),
      el("td", { text: formatSize(it.size) }),
      el("td", { class: "hash", text: it.sha256 }))));

    const status = document.getElementById("copy-status");
    document.getElementById("copy-code").onclick = () => {
      const done = () => { status.textContent = t("confirm.copied"); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(r.code).then(done, () => { status.textContent = t("confirm.copyfailed"); });
      else status.textContent = t("confirm.copyfailed");
    };
    document.getElementById("print-code").onclick = () => { kept = true; window.print(); };
    document.getElementById("download-code").onclick = () => {
      const url = URL.createObjectURL(new Blob([text(r)], { type: "text/plain;charset=utf-8" }));
      // A neutral name: the downloads list must not name the service.
      const a = el("a", { href: url, download: t("receipt.file.name") });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      kept = true;
      status.textContent = t("confirm.downloaded");
    };

    const retype = document.getElementById("retype");
    const input = document.getElementById("retype-code");
    const result = document.getElementById("retype-result");
    retype.onsubmit = (ev) => {
      ev.preventDefault();
      L.wasm().then((lt) => lt.parseCode(input.value)).then((p) => {
        if (p.error) {
          input.setAttribute("aria-invalid", "true");
          result.textContent = errorText(p.error);
        } else if (p.code !== r.code) {
          input.setAttribute("aria-invalid", "true");
          result.textContent = t("confirm.retype.differs");
        } else {
          input.removeAttribute("aria-invalid");
          kept = true;
          result.textContent = t("confirm.retype.ok");
        }
      });
    };
  }

  return { show };
})();
