package web

// The reporter's WebAssembly bundle and the Go runtime's loader for it.
// The flags make the build reproducible: no paths, no VCS stamp, no symbol
// table or DWARF (TestBundleIsReproducible rebuilds it with bundleBuildArgs).
//go:generate env GOOS=js GOARCH=wasm go build -trimpath -buildvcs=false "-ldflags=-s -w" -o static/lanterne.wasm ../../client/wasm
//go:generate sh -c "cp \"$(go env GOROOT)/lib/wasm/wasm_exec.js\" static/wasm_exec.js"

// bundleBuildArgs are the go build arguments of the go:generate line above,
// for the reproducibility test.
var bundleBuildArgs = []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w"}
