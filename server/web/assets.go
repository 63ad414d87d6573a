package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded file, with its gzip form made on first request.
type asset struct {
	name  string
	body  []byte
	ctype string
	hash  string // first 16 hex digits of SHA-256: the cache-busting version

	once sync.Once
	gz   []byte
}

func (a *asset) gzipped() []byte {
	a.once.Do(func() {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		w.Write(a.body)
		w.Close()
		if b.Len() < len(a.body) {
			a.gz = b.Bytes()
		}
	})
	return a.gz
}

// assets are the files under static/, by name.
type assets map[string]*asset

// embeddedAssets loads the embedded files once per process and starts
// compressing them in the background: the bundle takes about 3 s at gzip's
// best level, which the first visitor would otherwise wait. They never
// change after that, so every Handler shares them.
var embeddedAssets = sync.OnceValues(func() (assets, error) {
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	go func() {
		for _, a := range as {
			a.gzipped()
		}
	}()
	return as, nil
})

func loadAssets() (assets, error) {
	out := assets{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		ctype := mime.TypeByExtension(path.Ext(name))
		switch path.Ext(name) {
		case ".wasm":
			ctype = "application/wasm"
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".css":
			ctype = "text/css; charset=utf-8"
		case ".svg":
			ctype = "image/svg+xml"
		}
		sum := sha256.Sum256(b)
		out[name] = &asset{name: name, body: b, ctype: ctype, hash: hex.EncodeToString(sum[:8])}
		return nil
	})
	return out, err
}

// url returns the versioned address of an asset, which may be cached for
// ever: its version changes with its content.
func (as assets) url(name string) string {
	a, ok := as[name]
	if !ok {
		panic("web: no asset " + name)
	}
	return "/static/" + name + "?v=" + a.hash
}

// serve answers GET /static/{name}: gzip when the browser accepts it, and
// cacheable for a year when the request names the current version.
func (as assets) serve(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := as[name]
	if !ok {
		notFound(w)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	body := a.body
	if gz := a.gzipped(); gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = gz
	}
	h.Set("Content-Length", itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}
