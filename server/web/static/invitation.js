// The presumed victim's invitation page: a witness's invitation code opens
// the witness's word; the victim may then answer with a short report of
// their own (a new thread, with its own case code) and give, refuse or put
// off their consent to the handling of the witness's report. Everything is
// encrypted in this browser (lanterne.wasm) before it is sent.
"use strict";
(() => {
  const { t, el, errorText, directory, formatTime } = L;
  const $ = (id) => document.getElementById(id);

  const start = $("inv-start");
  const answer = $("inv-answer");
  const sending = $("inv-sending");
  const codeForm = $("inv-form");
  const codeInput = $("inv-code");
  const codeError = $("inv-code-error");
  const codeStatus = $("inv-code-status");
  const reply = $("inv-reply");
  const formError = $("inv-error");
  let invCode = "";   // the invitation code, in its printed form, once read
  let invitation = null;
  let dir = null;
  // Each form runs one request at a time: the flag is set before the first
  // await, and the button says it with aria-disabled (a disabled button
  // would drop the keyboard focus).
  let opening = false; // reading the invitation
  let sendingNow = false; // sending the answer; stays set once it is sent
  const openButton = $("inv-open");
  const sendButton = $("inv-send");

  const value = (name) => { const c = reply.querySelector(`input[name="${name}"]:checked`); return c ? c.value : ""; };
  const text = (id) => $(id).value;

  // Step 1: the invitation code.
  function codeFail(msg) {
    codeInput.setAttribute("aria-invalid", "true");
    codeError.textContent = msg;
    codeError.hidden = false;
    codeStatus.textContent = "";
    codeInput.focus();
  }

  function readError(err) {
    if (err && err.code === "code_unknown") return t("inv.err.unknown");
    if (err && err.code === "conflict") return t("inv.err.answered");
    return errorText(err);
  }

  codeForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (opening) return;
    codeError.hidden = true;
    codeError.textContent = "";
    codeInput.removeAttribute("aria-invalid");
    if (!codeInput.value.trim()) { codeFail(t("inv.need.code")); return; }
    opening = true;
    openButton.setAttribute("aria-disabled", "true");
    codeStatus.textContent = t("inv.opening");
    try {
      const lt = await L.wasm();
      const p = await lt.parseCode(codeInput.value);
      if (p.error) { codeFail(errorText(p.error)); return; }
      dir = await directory();
      const inv = await lt.readInvitation(p.code);
      invCode = p.code;
      invitation = inv;
      codeStatus.textContent = "";
      codeInput.value = "";
      showInvitation(inv);
    } catch (err) {
      // A directory that does not verify has already replaced the page.
      if (document.body.contains(codeInput)) codeFail(readError(err));
    } finally {
      opening = false;
      openButton.removeAttribute("aria-disabled");
    }
  });

  // Step 2: the witness's word, then the victim's answer.
  function showInvitation(inv) {
    $("inv-created").textContent = inv.created_at ? t("inv.created", { time: formatTime(inv.created_at) }) : "";
    $("inv-route-note").hidden = inv.route !== "conflict";
    const msg = (inv.message || "").trim();
    const box = $("inv-message");
    // The witness's word is text, never markup: one text node per line.
    box.replaceChildren();
    msg.split(/\r?\n/).forEach((line, i) => {
      if (i > 0) box.append(el("br"));
      box.append(document.createTextNode(line));
    });
    $("inv-message-box").hidden = msg === "";
    $("inv-no-message").hidden = msg !== "";
    exclusions();
    showReaders();
    start.hidden = true;
    answer.hidden = false;
    $("inv-word-h2").focus();
  }

  // Referents the victim may exclude: those of the invitation's route, and
  // those of the conflict route, which takes over when nobody else is left.
  function exclusions() {
    const set = $("inv-exclude-set");
    const box = $("inv-exclude");
    const route = (invitation && invitation.route) || "avdhas";
    const refs = ((dir && dir.referents) || []).filter((r) => (r.routes || []).includes(route) || (r.routes || []).includes("conflict"));
    box.replaceChildren(...refs.map((r) => {
      const id = "inv-excl-" + r.id;
      return el("div", { class: "choice" }, el("input", { type: "checkbox", id, name: "inv-exclude", value: r.id, onchange: showReaders }), el("label", { for: id, text: r.name }));
    }));
    set.hidden = refs.length === 0;
  }

  const excludedNow = () => [...reply.querySelectorAll('input[name="inv-exclude"]:checked')].map((c) => c.value);

  // readersNow asks the module who would read the answer with these
  // exclusions: the rule of the submission itself (casekey.SelectReaders),
  // on the invitation's route. It rejects with {code: "no_readers"} when
  // the exclusions leave nobody.
  function readersNow(excluded) {
    const route = (invitation && invitation.route) || "avdhas";
    return Promise.all([L.wasm(), directory()]).then(([lt]) => lt.readers("avdhas", route === "conflict", excluded));
  }

  // showReaders says in the form who will read the answer, as it now
  // stands; only the latest question's answer is shown.
  const readersLine = $("inv-readers");
  let readersAsked = 0;
  function showReaders() {
    const n = ++readersAsked;
    readersNow(excludedNow()).then((r) => {
      if (n !== readersAsked) return;
      readersLine.textContent = t("inv.readers", { names: r.readers.map((x) => x.name).join(", ") });
      readersLine.hidden = false;
    }, (err) => {
      if (n !== readersAsked) return;
      readersLine.textContent = err && err.code === "no_readers" ? t("inv.need.reader") : "";
      readersLine.hidden = readersLine.textContent === "";
    });
  }

  function criteria() {
    const on = value("inv-category") === "discrimination";
    $("inv-criteria").hidden = !on;
    if (!on) for (const c of reply.querySelectorAll('input[name="inv-criteria"]')) c.checked = false;
  }
  for (const r of reply.querySelectorAll('input[name="inv-category"]')) r.addEventListener("change", criteria);
  for (const r of reply.querySelectorAll('input[name="inv-identity"]')) {
    r.addEventListener("change", () => { $("inv-identity-fields").hidden = value("inv-identity") === "anonymous"; });
  }

  // Evidence files: kept in memory until sending, then read, scrubbed and
  // encrypted in constant memory by the WebAssembly module.
  const files = L.fileChooser($("inv-files"), $("inv-file-list"));
  L.watchForm(reply, files);
  const errors = L.errorBox(formError, reply);
  const clearError = errors.clear;
  const fail = errors.fail;

  // validate resolves with the form's problems, in the order of the form;
  // who reads the answer is the module's to say (readersNow).
  async function validate(excluded) {
    const errs = [];
    if (!value("inv-category")) errs.push([reply.querySelector('input[name="inv-category"]'), t("inv.need.category")]);
    if (!text("inv-facts").trim()) errs.push([$("inv-facts"), t("inv.need.facts")]);
    if (value("inv-identity") !== "anonymous" && !text("inv-id-name").trim()) errs.push([$("inv-id-name"), t("inv.need.name")]);
    try {
      await readersNow(excluded);
    } catch (err) {
      if (err && err.code === "no_readers") errs.push([reply.querySelector('input[name="inv-exclude"]:checked'), t("inv.need.reader")]);
      else errs.push([null, errorText(err)]);
    }
    if (!value("inv-consent")) errs.push([$("inv-consent-give"), t("inv.need.consent")]);
    return errs;
  }

  // The victim's report: role victim and channel AVDHAS always; the
  // conflict flag comes from the invitation's route (client.Redeem).
  function submission(excluded) {
    const category = value("inv-category");
    const rep = {
      channel: "avdhas", role: "victim", category,
      criteria: category === "discrimination" ? [...reply.querySelectorAll('input[name="inv-criteria"]:checked')].map((c) => c.value) : [],
      facts: text("inv-facts"), when: text("inv-when"), where: "", persons_involved: "", witnesses: "",
      wishes: { meeting: $("inv-meeting").checked, other: "" },
      conflict: {
        involves_authority: false,
        excluded_referents: excluded,
      },
    };
    const choice = value("inv-identity");
    const sub = { report: rep, identity_choice: choice, identity: null };
    if (choice !== "anonymous") {
      sub.identity = { name: text("inv-id-name"), contact: text("inv-id-contact"), service: text("inv-id-service"), position: text("inv-id-position"), other: "" };
    }
    return sub;
  }

  // Sending.
  const sendingStatus = $("inv-sending-status");
  const onProgress = L.progressBars($("inv-progress"), "inv-prog-");

  function release() {
    sendingNow = false;
    sendButton.removeAttribute("aria-disabled");
  }

  reply.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (sendingNow) return;
    sendingNow = true;
    sendButton.setAttribute("aria-disabled", "true");
    clearError();
    // The exclusions checked are those sent.
    const excluded = excludedNow();
    const errs = await validate(excluded);
    if (errs.length) { release(); fail(errs); return; }
    const sub = submission(excluded);
    const decision = value("inv-consent");
    answer.hidden = true;
    sending.hidden = false;
    $("inv-sending-h2").focus();
    let lt, receipt;
    try {
      lt = await L.wasm();
      receipt = await lt.redeem(invCode, sub, files, onProgress);
    } catch (err) {
      release();
      sending.hidden = true;
      onProgress.reset();
      answer.hidden = false;
      // Nothing to correct in the form: the message alone.
      formError.replaceChildren(el("p", { text: readError(err) }));
      formError.hidden = false;
      formError.focus();
      return;
    }
    // The thread exists: the invitation is answered and its code spent.
    invCode = "";
    let outcome = null;
    if (decision !== "later") {
      sendingStatus.textContent = t("inv.sending.consent");
      outcome = await consent(lt, receipt.code, decision === "give");
    }
    done(lt, receipt, decision, outcome);
  });

  // consent records the decision in the new thread; it resolves with null
  // or the error.
  async function consent(lt, code, given) {
    try {
      const c = await lt.openCase(code);
      await c.consent(given, "");
      return null;
    } catch (err) {
      return err || { code: "failed" };
    }
  }

  // Step 3: the confirmation, with the new case code, and the decision.
  function done(lt, receipt, decision, err) {
    sending.hidden = true;
    $("done").hidden = false;
    Receipt.show(receipt);
    showDecision(lt, receipt, decision, err);
    $("done-h2").focus();
    forget();
  }

  // forget leaves nothing of the answer in the page once it is sent: no
  // typed text, no choice, no file name (the receipt lists the files).
  function forget() {
    reply.reset();
    for (const f of reply.querySelectorAll("textarea, input[type=text]")) f.value = "";
    files.clear();
    onProgress.reset();
    clearError();
    criteria();
    $("inv-identity-fields").hidden = value("inv-identity") === "anonymous";
    readersAsked++;
    readersLine.textContent = "";
    readersLine.hidden = true;
  }

  function showDecision(lt, receipt, decision, err) {
    const status = $("inv-decision-status");
    const error = $("inv-decision-error");
    const retry = $("inv-decision-retry");
    const retryBox = $("inv-decision-retry-box"); // .button's display beats [hidden]
    $("inv-decision").hidden = false;
    if (err) {
      status.textContent = "";
      error.replaceChildren(el("p", { text: t("inv.done.failed") + " " + errorText(err) }), el("p", { text: t("inv.done.failed.later") }));
      error.hidden = false;
      retryBox.hidden = false;
      retry.onclick = async () => {
        retry.disabled = true;
        error.hidden = true;
        status.textContent = t("inv.done.retrying");
        const again = await consent(lt, receipt.code, decision === "give");
        retry.disabled = false;
        showDecision(lt, receipt, decision, again);
        if (again) error.focus(); else $("inv-decision-done-h2").focus();
      };
      return;
    }
    error.hidden = true;
    retryBox.hidden = true;
    if (decision === "give") status.textContent = t("inv.done.given");
    else if (decision === "refuse") status.textContent = t("inv.done.refused");
    else status.textContent = t("inv.done.later");
  }

  // Load and verify the directory early: a page that does not verify stops
  // before anything is typed.
  directory().then((d) => { dir = d; }, () => {});
})();
