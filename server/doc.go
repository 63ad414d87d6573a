// Package server is Lanterne's HTTP API: it receives, keeps and hands back
// the ciphertexts that reporters' and referents' devices make, and runs the
// workflow and legal deadlines on the little metadata it needs. The routes
// are listed in docs/api.md; the wire types are in package api.
//
// Promises:
//   - no plaintext and no key: every content value is an age ciphertext
//     made on a client (checked before storing, and again by the store);
//     the server holds no key that decrypts any of them;
//   - nothing that identifies a person: no IP address, user agent, case
//     code, auth secret, token or content is stored or logged. Each request
//     is logged as its route template ("POST /api/v1/orgs/{org}/cases"),
//     status and duration; an internal error adds its text with every
//     identifier-like word redacted. HTTPServer discards net/http's own
//     error log, which would print client addresses;
//   - no enumeration: an unknown case and a wrong secret get the same 401;
//     a referent who holds no wrap of a case gets the same 404 as for a case
//     that does not exist, and never lists it;
//   - failed attempts are counted per case and per invitation (known or
//     not): after 5, each further failure locks it for 2, 4, 8 ... seconds
//     (at most an hour), answered with 429 and Retry-After;
//   - a referent logs in by signing a single-use random nonce with the
//     Ed25519 key the organisation's current verified directory lists; a
//     session is bound to one organisation and, for a reporter, to one
//     case, and lasts 30 minutes;
//   - every referent fetch of a case's content (case file, messages, notes,
//     evidence) is recorded in the case's access log (referent, minute,
//     kind) before anything is sent, or nothing is sent;
//   - strict input: every body has a size limit, JSON is decoded strictly
//     (no unknown field, one value, the media type checked), every error is
//     {"error": "..."} with a status that says what went wrong and a message
//     written by the server; a refused request changes nothing stored;
//   - security headers (CSP, no-store, no-referrer, nosniff, DENY framing,
//     same-origin isolation, a Permissions-Policy, HSTS when Config.TLS) on
//     every response, errors and the Web handler's pages included;
//   - no global state: sessions, challenges and counters are fields of the
//     Server, in memory, swept as they expire; a restart ends every session.
//
// Organisations are registered by the operator (a bearer token from the
// Config) with the fingerprint of their root key; from then on anyone may
// publish the organisation's directory, and the server keeps only one that
// directory.Verify accepts against that fingerprint, newer than the last.
package server
