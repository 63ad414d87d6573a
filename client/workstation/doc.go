// Package workstation is the referent's local web app: an HTTP handler,
// bound to 127.0.0.1 by its caller, that shows the referent's cases
// decrypted in this process with the referent's key (package client). The
// server only ever sends ciphertext; the decrypted cases exist in this
// process's memory and in the pages it serves to the referent's own
// browser, nowhere else.
//
// Promises (guard.go):
//   - it answers only requests whose Host is the address it listens on
//     (127.0.0.1:PORT), which defeats DNS rebinding;
//   - every request's path starts with /s/TOKEN/, the unguessable token
//     of the address the command printed (compared in constant time); a
//     capability URL rather than a cookie, since browsers send a cookie
//     for 127.0.0.1 to every port; anything else is refused with 403 and
//     no content;
//   - a request that changes something (POST) must come from its own
//     origin (Origin, or Sec-Fetch-Site: same-origin), so that another page
//     in the same browser cannot act for the referent;
//   - pages are never cached, never framed, load nothing from elsewhere
//     (strict Content-Security-Policy) and send no Referer.
//
// This is the first slice of issue #5: the inbox and the case file (report,
// conversation, reply). Statistics, processing records, export and
// handover are still to come.
package workstation
