// Home page: show the verified organisation's referents by route.
"use strict";
(() => {
  const { t, el, directory } = L;
  directory().then((d) => {
    const list = document.getElementById("referents");
    const names = {};
    for (const r of d.routes || []) names[r.id] = (r.names && (r.names[L.lang] || r.names.fr)) || r.id;
    list.replaceChildren(...(d.referents || []).map((r) =>
      el("li", {}, el("strong", { text: r.name }), " — ", (r.routes || []).map((id) => names[id] || id).join(", "))));
    if (!list.children.length) list.append(el("li", { text: t("home.noreferent") }));
  }, () => {});
})();
