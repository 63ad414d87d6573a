// Package api holds the wire types of Lanterne's HTTP API, shared by the
// server and every client (the CLI, the browser's WebAssembly, the referent
// workstation). It imports only the standard library, so that a client never
// pulls in the server's storage.
//
// Every byte field marked "ciphertext" is an age file made on a client; the
// server stores it and hands it back unchanged. Every other field is the
// minimal metadata the server needs to route, limit and time cases: no field
// can carry a name, a fact, a file name or an address.
//
// All bodies are JSON; byte slices are standard base64. Every error is
// {"error": "..."} with an HTTP status that says what went wrong. The routes
// are listed in docs/api.md.
package api
