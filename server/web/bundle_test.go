package web

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestBundleIsReproducible rebuilds lanterne.wasm from client/wasm with the
// flags of generate.go and compares it with the committed bundle, byte for
// byte, so that anyone can check that the code a browser runs is the
// source's. It also checks wasm_exec.js is the running Go's.
func TestBundleIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WebAssembly bundle (about a minute)")
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out := filepath.Join(t.TempDir(), "lanterne.wasm")
	args := append(append([]string{}, bundleBuildArgs...), "-o", out, "../../client/wasm")
	cmd := exec.Command(goBin, args...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, b)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("static/lanterne.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Errorf("static/lanterne.wasm (%d bytes) is not what client/wasm builds to (%d bytes) with %s: run go generate ./server/web and commit it",
			len(committed), len(fresh), runtime.Version())
	}
	execJS, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	if committedJS, _ := os.ReadFile("static/wasm_exec.js"); !bytes.Equal(execJS, committedJS) {
		t.Errorf("static/wasm_exec.js is not the one of %s: run go generate ./server/web", runtime.Version())
	}
}
