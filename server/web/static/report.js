// The guided report form: eight steps, a review, then everything is
// encrypted in this browser (lanterne.wasm) and sent; the confirmation shows
// the case code once.
"use strict";
(() => {
  const { t, el, errorText, directory, formatSize } = L;
  const form = document.getElementById("report");
  const steps = [...form.querySelectorAll(".step")];
  const last = steps.length;
  const prev = document.getElementById("prev");
  const next = document.getElementById("next");
  const send = document.getElementById("send");
  const formError = document.getElementById("form-error");
  let step = 1;
  let dir = null;

  const value = (name) => { const c = form.querySelector(`input[name="${name}"]:checked`); return c ? c.value : ""; };
  const text = (id) => document.getElementById(id).value;
  const label = (input) => { const l = form.querySelector(`label[for="${input.id}"]`); return l ? l.textContent : input.value; };

  function show(n, focus) {
    step = n;
    for (const s of steps) s.hidden = Number(s.dataset.step) !== n;
    for (const li of document.querySelectorAll("#steps li")) {
      const i = Number(li.dataset.for);
      li.classList.toggle("done", i < n);
      if (i === n) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    }
    const cur = steps[n - 1];
    cur.querySelector(".stepno").textContent = t("stepof", { n, total: last });
    prev.hidden = n === 1;
    next.hidden = n === last;
    send.hidden = n !== last;
    if (n === last) review();
    clearError();
    if (focus) cur.querySelector("h2").focus();
  }

  const errors = L.errorBox(formError, form);
  const clearError = errors.clear;
  const fail = errors.fail;

  function validate(n) {
    const errs = [];
    if (n === 1) {
      if (!value("channel")) errs.push([document.getElementById("ch-avdhas"), t("form.need.channel")]);
      if (!value("role")) errs.push([document.getElementById("role-victim"), t("form.need.role")]);
    }
    if (n === 2 && !value("category")) {
      const first = form.querySelector('.choice:not([hidden]) input[name="category"]');
      errs.push([first, t("form.need.category")]);
    }
    if (n === 3 && !text("facts").trim()) errs.push([document.getElementById("facts"), t("form.need.facts")]);
    if (n === 6 && value("identity") !== "anonymous" && !text("id-name").trim()) {
      errs.push([document.getElementById("id-name"), t("form.need.name")]);
    }
    return errs;
  }

  // readers asks the module who would read the report as the form now
  // stands (the rule of the submission itself).
  let readers = [];
  function readersNow() {
    const excluded = [...form.querySelectorAll('input[name="exclude"]:checked')].map((c) => c.value);
    const authority = document.getElementById("authority").checked && !document.getElementById("authority-choice").hidden;
    return Promise.all([L.wasm(), directory()]).then(([lt]) => lt.readers(value("channel"), authority, excluded));
  }

  let checking = false; // the readers check of step 7 is running
  next.addEventListener("click", async () => {
    if (checking) return;
    const from = step;
    const errs = validate(from);
    if (errs.length) { fail(errs); return; }
    if (from === 7) {
      checking = true;
      next.setAttribute("aria-disabled", "true");
      try {
        readers = (await readersNow()).readers;
      } catch (err) {
        const first = form.querySelector('input[name="exclude"]:checked') || document.getElementById("authority");
        fail([[err && err.code === "no_readers" ? first : null, err && err.code === "no_readers" ? t("form.need.reader") : errorText(err)]]);
        return;
      } finally {
        checking = false;
        next.removeAttribute("aria-disabled");
      }
    }
    if (step === from) show(from + 1, true);
  });
  prev.addEventListener("click", () => show(step - 1, true));

  // Channel: the whistleblowing channel has one category; the AVDHAS
  // channel all the others.
  function filterCategories() {
    const ch = value("channel");
    for (const c of form.querySelectorAll('.choice[data-channel]')) {
      const hide = ch !== "" && c.dataset.channel !== ch;
      c.hidden = hide;
      if (hide) c.querySelector("input").checked = false;
    }
    if (ch === "whistleblowing") document.getElementById("cat-other").checked = true;
    criteria();
    exclusions();
  }
  function criteria() {
    const on = value("category") === "discrimination";
    document.getElementById("criteria").hidden = !on;
    if (!on) for (const c of form.querySelectorAll('input[name="criteria"]')) c.checked = false;
  }
  for (const r of form.querySelectorAll('input[name="channel"]')) r.addEventListener("change", filterCategories);
  for (const r of form.querySelectorAll('input[name="category"]')) r.addEventListener("change", criteria);
  for (const r of form.querySelectorAll('input[name="role"]')) {
    r.addEventListener("change", () => { document.getElementById("witness-hint").hidden = value("role") !== "witness"; });
  }
  for (const r of form.querySelectorAll('input[name="identity"]')) {
    r.addEventListener("change", () => { document.getElementById("identity-fields").hidden = value("identity") === "anonymous"; });
  }

  // Evidence files: kept in memory until sending, then read, scrubbed and
  // encrypted in constant memory by the WebAssembly module.
  const files = L.fileChooser(document.getElementById("files"), document.getElementById("file-list"));
  L.watchForm(form, files);

  // Referents the reporter may exclude: those who could receive the report
  // on the chosen channel, and those of the conflict route, which takes
  // over when the facts involve the authority or nobody else is left.
  function exclusions() {
    const box = document.getElementById("exclude");
    if (!dir) return;
    const ch = value("channel") || "avdhas";
    const was = new Set([...box.querySelectorAll("input:checked")].map((c) => c.value));
    const refs = (dir.referents || []).filter((r) => (r.routes || []).includes(ch) || (r.routes || []).includes("conflict"));
    box.replaceChildren();
    if (refs.length) {
      box.append(el("p", { text: t("report.exclude.p") }));
      for (const r of refs) {
        const id = "excl-" + r.id;
        box.append(el("div", { class: "choice" }, el("input", { type: "checkbox", id, name: "exclude", value: r.id, checked: was.has(r.id) }), el("label", { for: id, text: r.name })));
      }
    }
    document.getElementById("authority-choice").hidden = !dir.conflict_route;
  }

  function submission() {
    const channel = value("channel");
    const rep = {
      channel, role: value("role"), category: value("category"),
      criteria: [...form.querySelectorAll('input[name="criteria"]:checked')].map((c) => c.value),
      facts: text("facts"), when: text("when"), where: text("where"),
      persons_involved: text("persons"), witnesses: text("witnesses"),
      wishes: { meeting: document.getElementById("meeting").checked, other: text("wishes-other") },
      conflict: {
        involves_authority: document.getElementById("authority").checked && !document.getElementById("authority-choice").hidden,
        excluded_referents: [...form.querySelectorAll('input[name="exclude"]:checked')].map((c) => c.value),
      },
    };
    const choice = value("identity");
    const sub = { report: rep, identity_choice: choice, identity: null };
    if (choice !== "anonymous") {
      sub.identity = { name: text("id-name"), contact: text("id-contact"), service: text("id-service"), position: text("id-position"), other: "" };
    }
    return sub;
  }

  function review() {
    const dl = document.getElementById("review");
    const rows = [];
    const add = (k, v) => { if (v) rows.push(el("dt", { text: t(k) }), el("dd", { text: v })); };
    const checked = (name) => { const c = form.querySelector(`input[name="${name}"]:checked`); return c ? label(c) : ""; };
    add("review.channel", checked("channel"));
    add("review.role", checked("role"));
    add("review.category", checked("category"));
    add("review.criteria", [...form.querySelectorAll('input[name="criteria"]:checked')].map(label).join(", "));
    add("review.facts", text("facts"));
    add("review.when", text("when"));
    add("review.where", text("where"));
    add("review.persons", text("persons"));
    add("review.witnesses", text("witnesses"));
    add("review.files", files.length ? files.map((f) => `${f.name} (${formatSize(f.size)})`).join(", ") : t("review.nofile"));
    add("review.identity", checked("identity"));
    if (value("identity") !== "anonymous") add("review.name", text("id-name"));
    add("review.meeting", document.getElementById("meeting").checked ? t("yes") : t("no"));
    add("review.other", text("wishes-other"));
    if (document.getElementById("authority").checked && !document.getElementById("authority-choice").hidden) add("review.authority", t("yes"));
    add("review.excluded", [...form.querySelectorAll('input[name="exclude"]:checked')].map(label).join(", "));
    add("review.readers", readers.map((r) => r.name).join(", "));
    dl.replaceChildren(...rows);
  }

  // Sending.
  const sending = document.getElementById("sending");
  const onProgress = L.progressBars(document.getElementById("progress"), "prog-");

  let sendingNow = false;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (step !== last) { next.click(); return; }
    if (sendingNow) return;
    for (let n = 1; n < last; n++) {
      const errs = validate(n);
      if (errs.length) { show(n, false); fail(errs); return; }
    }
    const sub = submission();
    sendingNow = true;
    onProgress.reset();
    document.getElementById("form-area").hidden = true;
    sending.hidden = false;
    document.getElementById("sending-h2").focus();
    // The directory must be verified before anything is encrypted to it.
    Promise.all([L.wasm(), directory()]).then(([lt]) => lt.submit(sub, files, onProgress)).then(confirmation, (err) => {
      sendingNow = false;
      sending.hidden = true;
      document.getElementById("form-area").hidden = false;
      fail([[null, errorText(err)]]);
    });
  });

  // Confirmation.
  function confirmation(r) {
    sending.hidden = true;
    const done = document.getElementById("done");
    done.hidden = false;
    // Forget what was typed: it is sent, and only the code matters now.
    form.reset();
    files.clear();
    Receipt.show(r);
    document.getElementById("done-h2").focus();
  }

  directory().then((d) => { dir = d; exclusions(); }, () => {});
  filterCategories();
  show(1, false);
})();
