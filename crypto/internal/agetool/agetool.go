// Package agetool gives tests the reference age command-line tool, built once
// per machine from the module proxy at the pinned version, so that what
// Lanterne encrypts is checked by an implementation other than its own calls.
package agetool

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Version is the age release the interoperability tests run against.
const Version = "v1.3.2"

// Path returns the path of the age binary, installing it with
// `go install filippo.io/age/cmd/age@Version` into a cache folder on first
// use. The test is skipped only when the Go toolchain cannot fetch the
// module and CI is not set; under CI=true a missing tool fails the test.
func Path(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(os.TempDir(), "lanterne-agetool-"+Version)
	bin := filepath.Join(dir, "age")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goTool, "install", "filippo.io/age/cmd/age@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOOS=", "GOARCH=", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot install the reference age tool: %v\n%s", err, out)
		}
		t.Skipf("reference age tool unavailable (go install failed): %v", err)
	}
	return bin
}

// Run runs the age tool with args and stdin, failing the test on error.
func Run(t testing.TB, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(Path(t), args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("age %v: %v: %s", args, err, stderr.String())
	}
	return stdout.Bytes()
}
