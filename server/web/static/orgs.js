// The list of organisations this server hosts. A reporter should come from
// the link on their employer's poster, which pins the fingerprint.
"use strict";
(() => {
  const { t, el, q } = L;
  fetch("/api/v1/orgs", { headers: { Accept: "application/json" } })
    .then((r) => r.ok ? r.json() : Promise.reject(r.status))
    .then((body) => {
      const list = document.getElementById("orgs");
      const orgs = body.orgs || [];
      list.replaceChildren(...orgs.map((o) => el("li", {}, el("a", { href: "/o/" + encodeURIComponent(o.org_id) + "/" + q, text: o.name || o.org_id }))));
      if (!orgs.length) list.append(el("li", { text: t("orgs.none") }));
    })
    .catch(() => { document.getElementById("orgs").replaceChildren(el("li", { text: t("err.network") })); });
})();
