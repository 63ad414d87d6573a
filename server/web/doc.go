// Package web serves the reporter's pages: the organisation's home, the
// guided report form, the confirmation, the follow-up space, the presumed
// victim's invitation page and the information pages, in French (default)
// and English.
//
// Promises:
//   - every page and asset is embedded in the binary; nothing is loaded
//     from another origin, and no page has an inline script or style (the
//     server's Content-Security-Policy forbids both);
//   - all encryption runs in the browser: the pages run lanterne.wasm in a
//     Web Worker (static/worker.js; the page's interface is L.wasm() in
//     static/app.js), built from ../../client/wasm with go generate
//     (generate.go), and the
//     committed bundle is the source's (TestBundleIsReproducible rebuilds
//     it and compares the bytes);
//   - the pages send the server nothing but what package client sends:
//     ciphertext, hashes and sizes of ciphertext, and the case metadata of
//     api.NewCase; they keep nothing on the device beyond the tab's
//     sessionStorage (the pinned fingerprint), which "Quitter rapidement"
//     clears;
//   - the handler reads no header but Accept-Encoding, and logs nothing.
package web
