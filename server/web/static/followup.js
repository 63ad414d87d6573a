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
  let consentSent = null; // the decision sent from this page, until the thread shows it

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
    if ($("identity-actions").hidden) closeRelease(false);

    // Witness: invite the presumed victim; victim: consent.
    $("invite").hidden = !(st.witness && c.party === "reporter" && st.channel === "avdhas");
    // A case makes one invitation: once made (here or on an earlier visit),
    // the page offers no other.
    if (st.invited && !inviteCode) {
      $("invite-ask").hidden = true;
      $("invite-error").textContent = t("followup.invite.conflict");
    }
    $("consent").hidden = c.party !== "victim";
    if (c.party === "victim") drawConsent();
  }

  // drawConsent shows the presumed victim the decision already sent (the
  // last one of their thread), in place of the question.
  function drawConsent() {
    const sent = messages.filter((m) => m.mine && !m.error && (m.kind === "consent_given" || m.kind === "consent_refused")).pop() || consentSent;
    const line = $("consent-state");
    if (sent) {
      line.textContent = t(sent.kind === "consent_given" ? "followup.consent.sent.given" : "followup.consent.sent.refused", { time: formatTime(sent.time) }) +
        " " + t("followup.consent.change");
      if (!consentBusy) closeConsent(false);
    }
    line.hidden = !sent;
    $("consent-ask").hidden = !!sent;
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
  // the referents wrote. It resolves with the number of new messages from
  // them, which it announces unless quiet. An answer older than one
  // already drawn is dropped.
  let loads = 0, drawn = 0;
  async function load(quiet) {
    const n = ++loads;
    const [st, ms] = await Promise.all([c.status(), c.messages()]);
    if (n < drawn) return 0;
    drawn = n;
    const before = messages.filter((m) => !m.mine).length;
    const after = ms.filter((m) => !m.mine).length;
    const fresh = status && after > before ? after - before : 0;
    if (fresh && !quiet) L.announce(t("followup.newmessage"));
    status = st;
    messages = ms;
    if (consentSent && messages.some((m) => m.mine && (m.kind === "consent_given" || m.kind === "consent_refused"))) consentSent = null;
    drawMessages();
    drawStatus();
    const last = messages.filter((m) => !m.mine).map((m) => m.seq).pop() || 0;
    if (last > (status.read_reporter || 0)) c.markRead(last).catch(() => {});
    return fresh;
  }

  // hold marks buttons as unavailable while a call runs. They keep the
  // focus (the disabled attribute would drop it); each handler checks its
  // own flag.
  function hold(buttons, on) {
    for (const b of buttons) {
      if (on) b.setAttribute("aria-disabled", "true");
      else b.removeAttribute("aria-disabled");
    }
  }

  // refreshLater refreshes after an action that succeeded: a failure only
  // says the list is not up to date, after the action's own result.
  function refreshLater(result) {
    load().catch(() => { result.textContent += " " + t("followup.refresh.failed"); });
  }

  let opening = false; // a code being derived: a second Enter does nothing
  let poll = 0;        // the one interval that looks for new messages
  $("login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (opening || c) return;
    const input = $("code");
    const result = $("login-result");
    const button = $("open-case");
    opening = true;
    hold([button], true);
    try {
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
      try {
        c = await lt.openCase(p.code);
        drawReport(await c.report());
        await load();
      } catch (err) {
        c = null;
        status = null;
        messages = [];
        input.setAttribute("aria-invalid", "true");
        result.textContent = errorText(err);
        input.focus();
        return;
      }
    } finally {
      opening = false;
      hold([button], false);
    }
    input.value = "";
    result.textContent = "";
    $("login-area").hidden = true;
    $("case").hidden = false;
    $("case-h2").focus();
    // While the page is in view, look for new messages every minute.
    if (!poll) poll = setInterval(() => { if (c && document.visibilityState === "visible") load().catch(() => {}); }, 60000);
  });

  let refreshing = false;
  $("refresh").addEventListener("click", async () => {
    if (refreshing) return;
    const button = $("refresh");
    refreshing = true;
    hold([button], true);
    try {
      const fresh = await load(true);
      L.announce(t("followup.refreshed") + (fresh ? " " + t("followup.newmessage") : ""));
    } catch (err) {
      L.announce(errorText(err));
    } finally {
      refreshing = false;
      hold([button], false);
    }
  });

  $("close-case").addEventListener("click", () => { location.replace(location.pathname + location.search); });

  // A reply is sent once: "sent" as soon as the server has it, the box
  // emptied, then the list refreshed apart.
  let replying = false;
  $("reply-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (replying) return;
    const box = $("reply");
    const result = $("reply-result");
    const text = box.value;
    if (!text.trim()) { box.setAttribute("aria-invalid", "true"); result.textContent = t("form.need.message"); box.focus(); return; }
    box.removeAttribute("aria-invalid");
    const button = $("send-reply");
    replying = true;
    hold([button], true);
    result.textContent = t("followup.reply.sending");
    try {
      await c.reply(text);
    } catch (err) {
      result.textContent = errorText(err);
      return;
    } finally {
      replying = false;
      hold([button], false);
    }
    if (box.value === text) box.value = "";
    result.textContent = t("followup.reply.sent");
    refreshLater(result);
  });

  // Identity: releasing it cannot be undone, so it asks first, in the page.
  let identityBusy = false;
  const identityButtons = () => [$("release-identity"), $("decline-identity"), $("release-identity-confirm"), $("release-identity-cancel")];

  function closeRelease(refocus) {
    $("release-confirm").hidden = true;
    $("release-identity").setAttribute("aria-expanded", "false");
    if (refocus) $("release-identity").focus();
  }

  $("release-identity").addEventListener("click", () => {
    if (identityBusy) return;
    $("identity-result").textContent = "";
    $("release-confirm").hidden = false;
    $("release-identity").setAttribute("aria-expanded", "true");
    $("release-confirm-text").focus();
  });

  $("release-identity-cancel").addEventListener("click", () => {
    if (identityBusy) return;
    closeRelease(true);
  });

  $("release-identity-confirm").addEventListener("click", async () => {
    if (identityBusy) return;
    const result = $("identity-result");
    identityBusy = true;
    hold(identityButtons(), true);
    result.textContent = t("followup.identity.releasing");
    try {
      await c.releaseIdentity();
    } catch (err) {
      result.textContent = errorText(err);
      return;
    } finally {
      identityBusy = false;
      hold(identityButtons(), false);
    }
    closeRelease(false);
    status.identity_state = "released";
    drawStatus();
    result.textContent = t("followup.identity.released.done");
    $("identity-state").focus();
    refreshLater(result);
  });

  $("decline-identity").addEventListener("click", async () => {
    if (identityBusy) return;
    const result = $("identity-result");
    closeRelease(false);
    identityBusy = true;
    hold(identityButtons(), true);
    result.textContent = t("followup.identity.declining");
    try {
      await c.declineIdentity($("decline-text").value);
    } catch (err) {
      result.textContent = errorText(err);
      return;
    } finally {
      identityBusy = false;
      hold(identityButtons(), false);
    }
    $("decline-text").value = "";
    $("identity-request").hidden = true;
    $("decline-identity").hidden = true;
    result.textContent = t("followup.identity.declined.done");
    $("identity-state").focus();
    refreshLater(result);
  });

  // Files: those of the current choice already sent are remembered, so
  // that a retry after a failure sends only the others.
  const attached = new Set();
  const fileKey = (f) => [f.name, f.size, f.lastModified].join("\u0000");
  let attaching = false;
  $("attach-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (attaching) return;
    const input = $("more-files");
    const result = $("attach-result");
    const files = [...input.files];
    if (!files.length) { result.textContent = t("followup.attach.none"); input.focus(); return; }
    const list = $("attach-progress");
    list.replaceChildren();
    const bars = L.progressBars(list, "att-");
    const button = $("send-files");
    attaching = true;
    hold([button], true);
    result.textContent = t("followup.attach.sending");
    let failed = null;
    try {
      for (const [i, f] of files.entries()) {
        if (attached.has(fileKey(f))) {
          list.append(el("li", {}, el("span", { text: f.name }), " — " + t("followup.attach.already")));
          continue;
        }
        try {
          // Attach numbers every file 0: number them by their place here.
          await c.attach(f, (p) => bars({ ...p, file: i }));
        } catch (err) {
          failed = { file: f, err };
          break;
        }
        attached.add(fileKey(f));
      }
    } finally {
      attaching = false;
      hold([button], false);
    }
    if (failed) {
      const sent = files.filter((f) => attached.has(fileKey(f))).map((f) => f.name);
      const left = files.filter((f) => !attached.has(fileKey(f))).map((f) => f.name);
      result.textContent = t("followup.attach.failed", { name: failed.file.name }) + " " + errorText(failed.err) + " " +
        (sent.length ? t("followup.attach.partial", { sent: sent.join(", "), left: left.join(", ") }) : t("followup.attach.nonesent"));
      if (sent.length) load().catch(() => {});
      return;
    }
    input.value = "";
    attached.clear();
    result.textContent = t("followup.attach.done", { n: files.length });
    refreshLater(result);
  });

  // The invitation: one per witness case (the server refuses a second),
  // its code shown once.
  let inviting = false;
  let inviteCode = "";
  let inviteKept = false; // copied: the witness has it elsewhere
  L.guardLeaving(() => (inviteCode && !inviteKept ? t("followup.invite.leave") : ""));
  $("make-invite").addEventListener("click", async () => {
    if (inviting || inviteCode) return;
    const button = $("make-invite");
    const note = $("invite-error");
    inviting = true;
    hold([button], true);
    note.textContent = t("followup.invite.making");
    let r;
    try {
      r = await c.invite($("invite-message").value);
    } catch (err) {
      if (err && err.code === "conflict") {
        note.textContent = t("followup.invite.conflict");
        $("invite-ask").hidden = true;
        note.focus();
      } else {
        note.textContent = errorText(err);
      }
      return;
    } finally {
      inviting = false;
      hold([button], false);
    }
    inviteCode = r.code;
    note.textContent = "";
    $("invite-message").value = "";
    $("invite-ask").hidden = true;
    $("invite-code").textContent = r.code;
    $("invite-result").hidden = false;
    $("invite-done").focus();
  });

  $("copy-invite").addEventListener("click", () => {
    const s = $("invite-copy-status");
    const failed = () => { s.textContent = t("followup.invite.copyfailed"); };
    if (!inviteCode) return;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(inviteCode).then(() => { inviteKept = true; s.textContent = t("followup.invite.copied"); }, failed);
    } else failed();
  });

  // Consent: the presumed victim's decision is confirmed in the page
  // before it is sent.
  let consentBusy = false;
  let consentChoice = null; // true, false, or null when nothing is asked
  let consentOpener = null;
  const consentButtons = () => [$("consent-yes"), $("consent-no"), $("consent-confirm-yes"), $("consent-confirm-cancel")];

  function closeConsent(refocus) {
    $("consent-confirm").hidden = true;
    for (const id of ["consent-yes", "consent-no"]) $(id).setAttribute("aria-expanded", "false");
    if (refocus && consentOpener) consentOpener.focus();
    consentOpener = null;
    consentChoice = null;
  }

  for (const [id, given] of [["consent-yes", true], ["consent-no", false]]) {
    $(id).addEventListener("click", () => {
      if (consentBusy) return;
      const button = $(id);
      $("consent-result").textContent = "";
      for (const other of ["consent-yes", "consent-no"]) $(other).setAttribute("aria-expanded", "false");
      button.setAttribute("aria-expanded", "true");
      consentChoice = given;
      consentOpener = button;
      $("consent-confirm-text").textContent = t(given ? "followup.consent.confirm.given" : "followup.consent.confirm.refused");
      $("consent-confirm").hidden = false;
      $("consent-confirm-text").focus();
    });
  }

  $("consent-confirm-cancel").addEventListener("click", () => {
    if (consentBusy) return;
    closeConsent(true);
  });

  $("consent-confirm-yes").addEventListener("click", async () => {
    if (consentBusy || consentChoice === null) return;
    const given = consentChoice;
    const result = $("consent-result");
    consentBusy = true;
    hold(consentButtons(), true);
    result.textContent = t("followup.consent.sending");
    try {
      await c.consent(given, "");
    } catch (err) {
      result.textContent = errorText(err);
      return;
    } finally {
      consentBusy = false;
      hold(consentButtons(), false);
    }
    consentSent = { kind: given ? "consent_given" : "consent_refused", time: new Date().toISOString() };
    closeConsent(false);
    drawConsent();
    result.textContent = t(given ? "followup.consent.given" : "followup.consent.refused");
    $("consent-state").focus();
    refreshLater(result);
  });

  // Verify the organisation at once, so that a mismatch stops the page
  // before a code is typed.
  directory().then((d) => { dir = d; }, () => {});
})();
