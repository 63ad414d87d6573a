// The follow-up space: the reporter (or the presumed victim in their own
// thread) opens the case with its code; everything is decrypted here.
"use strict";
(() => {
  const { t, el, errorText, directory, formatSize, formatDay, formatTime } = L;
  const $ = (id) => document.getElementById(id);
  let lt = null;       // the WebAssembly bridge
  let dir = null;      // the verified directory
  let c = null;        // the open case
  let status = null;   // its last status
  let messages = [];

  function referentName(id) {
    const r = dir && (dir.referents || []).find((x) => x.id === id);
    return r ? r.name : t("followup.author.referent");
  }

  function author(m) {
    if (m.mine) return t("followup.author.you");
    if (m.author === "reporter") return t("followup.author.witness");
    if (m.author === "victim") return t("followup.author.victim");
    return referentName(m.author);
  }

  function bodyOf(m) {
    if (m.error) return t("followup.msg.unreadable");
    switch (m.kind) {
      case "identity_request": return t("followup.msg.identity_request") + (m.body ? "\n" + m.body : "");
      case "identity_decline": return t("followup.msg.identity_decline") + (m.body ? "\n" + m.body : "");
      case "consent_given": return t("followup.msg.consent_given") + (m.body ? "\n" + m.body : "");
      case "consent_refused": return t("followup.msg.consent_refused") + (m.body ? "\n" + m.body : "");
      case "evidence_added": return m.evidence ? t("followup.msg.evidence", { name: m.evidence.name, size: formatSize(m.evidence.size) }) : "";
      case "key_rotation": return t("followup.msg.key_rotation");
    }
    return m.body || "";
  }

  function drawMessages() {
    const list = $("messages");
    list.replaceChildren(...messages.map((m) => {
      const meta = [author(m), formatTime(m.time)];
      if (m.mine) meta.push(status && status.read_referents >= m.seq ? t("followup.msg.read") : t("followup.msg.sent"));
      if (!m.verified) meta.push(t("followup.msg.unverified"));
      return el("li", { class: m.mine ? "mine" : "" },
        el("p", { class: "meta", text: meta.join(" · ") }),
        el("p", { class: "body", text: bodyOf(m) }));
    }));
    if (!messages.length) list.append(el("li", { text: t("followup.msg.none") }));
  }

  function drawStatus() {
    const st = status;
    $("status-text").textContent = t("followup.status.line", { status: t("status." + st.status), day: formatDay(st.received) });
    const dl = $("deadlines");
    const rows = [];
    const overdue = new Set(st.overdue || []);
    const add = (key, day, which) => {
      if (!day) return;
      rows.push(el("dt", { text: t(key) }), el("dd", { text: formatDay(day) + (overdue.has(which) ? " — " + t("followup.overdue") : "") }));
    };
    const acked = (st.history || []).some((h) => h.status !== "received");
    if (!acked) add("followup.due.ack", st.deadlines.ack_due, "ack");
    if (st.status !== "closed") add("followup.due.feedback", st.deadlines.feedback_due, "feedback");
    if (st.meeting_requested) add("followup.due.meeting", st.deadlines.meeting_due, "meeting");
    for (const h of st.history || []) rows.push(el("dt", { text: t("status." + h.status) }), el("dd", { text: formatDay(h.day) }));
    // A witness's case waits for the presumed victim's consent.
    if (st.witness && c.party === "reporter") {
      const consent = st.consent_given === true ? "given" : st.consent_given === false ? "refused" : st.awaiting_consent ? "awaited" : "";
      if (consent) rows.push(el("dt", { text: t("followup.consent.state") }), el("dd", { text: t("followup.consent.state." + consent) }));
    }
    dl.replaceChildren(...rows);

    // Identity.
    const state = st.identity_state || "none";
    $("identity-state").textContent = t("followup.identity." + state);
    const lastRequest = messages.filter((m) => m.kind === "identity_request").map((m) => m.seq).pop() || 0;
    const declined = messages.some((m) => m.kind === "identity_decline" && m.seq > lastRequest);
    $("identity-request").hidden = state !== "requested" || declined;
    $("identity-actions").hidden = !(state === "sealed" || state === "requested");
    $("decline-identity").hidden = state !== "requested" || declined;

    // Witness: invite the presumed victim; victim: consent.
    $("invite").hidden = !(st.witness && c.party === "reporter" && st.channel === "avdhas");
    $("consent").hidden = c.party !== "victim";
  }

  function drawReport(r) {
    const rows = [];
    const add = (k, v) => { if (v) rows.push(el("dt", { text: t(k) }), el("dd", { text: v })); };
    add("review.facts", r.facts);
    add("review.when", r.when);
    add("review.where", r.where);
    add("review.persons", r.persons_involved);
    add("review.witnesses", r.witnesses);
    add("review.other", r.wishes && r.wishes.other);
    $("my-report").replaceChildren(...rows);
  }

  // load fetches status and messages, and sends a read receipt for what
  // the referents wrote. A new message from them is announced.
  async function load() {
    const [st, ms] = await Promise.all([c.status(), c.messages()]);
    const before = messages.filter((m) => !m.mine).length;
    const after = ms.filter((m) => !m.mine).length;
    if (status && after > before) $("case-live").textContent = t("followup.newmessage");
    status = st;
    messages = ms;
    drawMessages();
    drawStatus();
    const last = messages.filter((m) => !m.mine).map((m) => m.seq).pop() || 0;
    if (last > (status.read_reporter || 0)) c.markRead(last).catch(() => {});
  }

  function busy(button, on) { button.disabled = on; button.setAttribute("aria-busy", on ? "true" : "false"); }

  $("login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = $("code");
    const result = $("login-result");
    const button = $("open-case");
    try {
      lt = await L.wasm();
      dir = await directory();
    } catch (err) { return; }
    const p = await lt.parseCode(input.value);
    if (p.error) {
      input.setAttribute("aria-invalid", "true");
      result.textContent = errorText(p.error);
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    result.textContent = t("followup.opening");
    busy(button, true);
    try {
      c = await lt.openCase(p.code);
      drawReport(await c.report());
      await load();
    } catch (err) {
      c = null;
      busy(button, false);
      input.setAttribute("aria-invalid", "true");
      result.textContent = errorText(err);
      input.focus();
      return;
    }
    busy(button, false);
    input.value = "";
    result.textContent = "";
    $("login-area").hidden = true;
    $("case").hidden = false;
    $("case-h2").focus();
    // While the page is in view, look for new messages every minute.
    setInterval(() => { if (c && document.visibilityState === "visible") load().catch(() => {}); }, 60000);
  });

  $("refresh").addEventListener("click", async () => {
    try { await load(); $("case-live").textContent = t("followup.refreshed"); } catch (err) { $("case-live").textContent = errorText(err); }
  });

  $("close-case").addEventListener("click", () => { location.replace(location.pathname + location.search); });

  $("reply-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const box = $("reply");
    const result = $("reply-result");
    if (!box.value.trim()) { box.setAttribute("aria-invalid", "true"); result.textContent = t("form.need.message"); box.focus(); return; }
    box.removeAttribute("aria-invalid");
    const button = $("send-reply");
    busy(button, true);
    result.textContent = t("followup.reply.sending");
    try {
      await c.reply(box.value);
      box.value = "";
      await load();
      result.textContent = t("followup.reply.sent");
    } catch (err) {
      result.textContent = errorText(err);
    }
    busy(button, false);
  });

  $("release-identity").addEventListener("click", async () => {
    const result = $("identity-result");
    try {
      await c.releaseIdentity();
      await load();
      result.textContent = t("followup.identity.released.done");
    } catch (err) { result.textContent = errorText(err); }
  });

  $("decline-identity").addEventListener("click", async () => {
    const result = $("identity-result");
    try {
      await c.declineIdentity($("decline-text").value);
      await load();
      result.textContent = t("followup.identity.declined.done");
    } catch (err) { result.textContent = errorText(err); }
  });

  $("attach-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = $("more-files");
    const result = $("attach-result");
    const files = [...input.files];
    if (!files.length) { result.textContent = t("followup.attach.none"); input.focus(); return; }
    const list = $("attach-progress");
    list.replaceChildren();
    const button = $("send-files");
    busy(button, true);
    for (const [i, f] of files.entries()) {
      const id = "att-" + i;
      const bar = el("progress", { id, max: "100", value: "0" });
      const pct = el("span", { text: "0 %" });
      list.append(el("li", {}, el("label", { for: id, text: f.name }), " ", bar, " ", pct));
      try {
        await c.attach(f, (p) => { const v = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100; bar.value = v; pct.textContent = v + " %"; });
      } catch (err) {
        result.textContent = t("followup.attach.failed", { name: f.name }) + " " + errorText(err);
        busy(button, false);
        return;
      }
    }
    input.value = "";
    busy(button, false);
    result.textContent = t("followup.attach.done", { n: files.length });
    await load().catch(() => {});
  });

  $("make-invite").addEventListener("click", async () => {
    const out = $("invite-code");
    try {
      const r = await c.invite($("invite-message").value);
      out.textContent = r.code;
      out.before(el("p", { text: t("followup.invite.done") }));
    } catch (err) { out.textContent = errorText(err); }
  });

  for (const [id, given] of [["consent-yes", true], ["consent-no", false]]) {
    $(id).addEventListener("click", async () => {
      const result = $("consent-result");
      try {
        await c.consent(given, "");
        await load();
        result.textContent = t(given ? "followup.consent.given" : "followup.consent.refused");
      } catch (err) { result.textContent = errorText(err); }
    });
  }

  // Verify the organisation at once, so that a mismatch stops the page
  // before a code is typed.
  directory().then((d) => { dir = d; }, () => {});
})();
