//go:build js && wasm

// Command wasm is the reporter's browser build of package client: the
// reporter pages (server/web) load it and call the functions it sets on
// globalThis.lanterne. Every case code, key and plaintext stays inside this
// WebAssembly module and the page; only ciphertext goes to the server.
//
// Build it with go generate ./server/web (see server/web/generate.go); the
// committed bundle is checked against a fresh build by a test.
//
// Every function returns a Promise. Objects cross the boundary as JSON;
// errors reject with {code, message}: code is one of the ids listed in
// errorCode, for the page to translate, and message is the Go error's text,
// which never holds a code, a key or plaintext (package client's promise).
package main

import (
	"syscall/js"
)

func main() {
	b := newBridge(js.Global().Get("location").Get("origin").String())
	js.Global().Set("lanterne", b.exports())
	if ready := js.Global().Get("lanterneReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}
