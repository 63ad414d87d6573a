package main

// Benchmarks of the reporter's pages in headless Chromium against the real
// binary, for docs/performance.md: what a first visit costs in bytes and
// time, how long the case-code derivation takes in the browser beside the
// same Go code natively, and how long a report with a 5 MiB attachment
// takes from "send" to the confirmation.
//
//	go test -run '^$' -bench Browser -benchtime 3x ./cmd/lanterne

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/envelope"
)

// countingProxy forwards to the real server and counts the response body
// bytes it passes on as they travel: compressed when the browser asked for
// it, which it always does.
type countingProxy struct {
	*httptest.Server
	bytes    atomic.Int64
	requests atomic.Int64
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func newCountingProxy(tb testing.TB, target string) *countingProxy {
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	p := &countingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(r *http.Response) error {
		p.requests.Add(1)
		r.Body = countingBody{r.Body, &p.bytes}
		return nil
	}
	p.Server = httptest.NewServer(rp)
	tb.Cleanup(p.Close)
	return p
}

// BenchmarkBrowserFirstVisit opens an organisation's home page in a fresh
// browser profile (nothing cached) and waits until the directory is
// verified in WebAssembly and the fingerprint shows: the page is then
// ready to take a report. It reports the bytes of response bodies on the
// wire (gzip) and the requests.
func BenchmarkBrowserFirstVisit(b *testing.B) {
	needBrowser(b)
	e := newWebEnv(b)
	p := newCountingProxy(b, e.server)
	var bytes, reqs int64
	for b.Loop() {
		b.StopTimer()
		br := newBrowser(b)
		p.bytes.Store(0)
		p.requests.Store(0)
		b.StartTimer()
		br.open(e.page(p.URL, "", "fr"))
		br.waitJS("the verified fingerprint", fmt.Sprintf(`(document.querySelector("[data-fingerprint]") || {}).textContent === %q`, e.fp))
		b.StopTimer()
		bytes += p.bytes.Load()
		reqs += p.requests.Load()
		b.StartTimer()
	}
	b.ReportMetric(float64(bytes)/float64(b.N), "wire-bytes/visit")
	b.ReportMetric(float64(reqs)/float64(b.N), "requests/visit")
}

// BenchmarkBrowserDerive derives a case code's secrets (Argon2id t=3,
// 64 MiB, p=4, then HKDF: casecode.Derive) in Chromium's WebAssembly, in
// the page's worker, and natively in this process, in the same run.
func BenchmarkBrowserDerive(b *testing.B) {
	needBrowser(b)
	e := newWebEnv(b)
	br := newBrowser(b)
	br.open(e.page(e.server, "", "fr"))
	br.waitJS("the verified fingerprint", fmt.Sprintf(`(document.querySelector("[data-fingerprint]") || {}).textContent === %q`, e.fp))
	var browserMS, nativeMS []float64
	for b.Loop() {
		ms := eval[[]float64](br, fmt.Sprintf(`L.wasm().then((lt) => lt.timeDerive(%q, 1))`, e.org))
		browserMS = append(browserMS, ms...)
		code, err := casecode.Generate()
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := casecode.Derive(e.org, casecode.PurposeCase, code); err != nil {
			b.Fatal(err)
		}
		nativeMS = append(nativeMS, float64(time.Since(start).Microseconds())/1000)
	}
	b.ReportMetric(median(browserMS), "chromium-ms/derive")
	b.ReportMetric(median(nativeMS), "native-ms/derive")
}

// BenchmarkBrowserSubmit5MiB fills the form (the fewest fields it needs),
// attaches a 5 MiB file of random bytes (incompressible, not scrubbed) and
// measures from the click on "send" to the confirmation showing the case
// code: Argon2id, the envelopes, the file's encryption and its 80 chunk
// uploads, all in the browser; and the same submission natively.
func BenchmarkBrowserSubmit5MiB(b *testing.B) {
	needBrowser(b)
	e := newWebEnv(b)
	file := filepath.Join(b.TempDir(), "preuve.bin")
	buf := make([]byte, 5<<20)
	rand.Read(buf)
	if err := os.WriteFile(file, buf, 0o600); err != nil {
		b.Fatal(err)
	}
	br := newBrowser(b)
	var secs []float64
	for b.Loop() {
		b.StopTimer()
		br.open("about:blank") // a new document: the same URL again would only change its fragment
		br.open(e.page(e.server, "signaler", "fr"))
		br.waitJS("the verified directory", `document.querySelector("[data-org-name]") && document.querySelector("[data-org-name]").textContent !== ""`)
		br.click("#ch-avdhas")
		br.click("#role-victim")
		br.click("#next")
		br.click("#cat-moral_harassment")
		br.click("#next")
		br.typeInto("#facts", "Faits pour la mesure.")
		br.click("#next")
		br.click("#next")
		br.do("attaching the file", stepTimeout, chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{file}))
		for range 3 {
			br.click("#next")
		}
		b.StartTimer()
		start := time.Now()
		br.click("#send")
		br.waitJS("the confirmation", `!document.getElementById("done").hidden && document.getElementById("case-code").textContent.length === 20`)
		secs = append(secs, time.Since(start).Seconds())
		b.StopTimer()
		if msg := br.text("#done-error"); msg != "" {
			b.Fatalf("the confirmation reports an error: %s", msg)
		}
		b.StartTimer()
	}
	// The same submission by the same Go code natively (package client, as
	// the command line sends it), in the same run.
	var native []float64
	for range len(secs) {
		sub := &client.Submission{
			Report: envelope.Report{Channel: envelope.ChannelAVDHAS, Role: envelope.RoleVictim, Category: envelope.CategoryMoralHarassment, Facts: "Faits pour la mesure."},
			Files: []client.File{{Name: "preuve.bin", MediaType: "application/octet-stream", Size: int64(len(buf)),
				Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }}},
		}
		start := time.Now()
		if _, err := e.c.Submit(context.Background(), e.d, sub, nil); err != nil {
			b.Fatalf("native submission: %v", err)
		}
		native = append(native, time.Since(start).Seconds())
	}
	b.ReportMetric(median(secs), "chromium-s/submit")
	b.ReportMetric(median(native), "native-s/submit")
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
