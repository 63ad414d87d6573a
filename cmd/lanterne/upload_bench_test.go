package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/envelope"
)

// BenchmarkUpload1GiB submits a report with a 1 GiB evidence file through
// the client library to a real `lanterne serve`, and reports the server
// process's peak resident memory (VmHWM) and the client's peak heap: the
// issue's goal is under 100 MiB on each side. Not part of `go test ./...`
// (it writes 1 GiB through fsync'd bbolt transactions); run it with
//
//	go test -run '^$' -bench Upload1GiB -benchtime 1x ./cmd/lanterne
func BenchmarkUpload1GiB(b *testing.B) {
	const size = 1 << 30
	bin := buildBinary(b)
	for b.Loop() {
		dir := b.TempDir()
		data := filepath.Join(dir, "data")
		srv, url := startServer(b, bin, data, nil)
		c, d := setUpOrg(b, dir, data, url)

		var clientPeak, serverAnonPeak atomic.Uint64
		stop := make(chan struct{})
		go sampleHeap(&clientPeak, stop)
		go sampleAnon(srv.Process.Pid, &serverAnonPeak, stop)
		file := client.File{Name: "video.bin", MediaType: "application/octet-stream", Size: size,
			Open: func() (io.ReadCloser, error) { return io.NopCloser(io.LimitReader(pattern{}, size)), nil }}
		sub := &client.Submission{
			Report: envelope.Report{Channel: envelope.ChannelAVDHAS, Role: envelope.RoleWitness, Category: envelope.CategoryViolence, Facts: "1 GiB upload"},
			Files:  []client.File{file},
		}
		start := time.Now()
		rec, err := c.Submit(context.Background(), d, sub, nil)
		elapsed := time.Since(start)
		close(stop)
		if err != nil {
			b.Fatal(err)
		}
		if len(rec.Items) < 2 {
			b.Fatalf("receipt lists %d items", len(rec.Items))
		}
		hwm, err := procStatus(srv.Process.Pid, "VmHWM:")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(size)/elapsed.Seconds()/1e6, "MB/s")
		// VmHWM counts the pages of bbolt's memory-mapped file, which the
		// kernel can drop at any time; RssAnon is the process's own memory.
		b.ReportMetric(float64(hwm)/(1<<20), "server-peak-RSS-incl-mmap-MiB")
		b.ReportMetric(float64(serverAnonPeak.Load())/(1<<20), "server-peak-anon-MiB")
		b.ReportMetric(float64(clientPeak.Load())/(1<<20), "client-peak-heap-MiB")
	}
}

// pattern is an endless deterministic byte stream.
type pattern struct{}

func (pattern) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i*31 + 7)
	}
	return len(p), nil
}

func sampleHeap(peak *atomic.Uint64, stop chan struct{}) {
	var ms runtime.MemStats
	for {
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak.Load() {
			peak.Store(ms.HeapInuse)
		}
		select {
		case <-stop:
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// sampleAnon records the peak of a process's anonymous resident memory.
func sampleAnon(pid int, peak *atomic.Uint64, stop chan struct{}) {
	for {
		if v, err := procStatus(pid, "RssAnon:"); err == nil && v > peak.Load() {
			peak.Store(v)
		}
		select {
		case <-stop:
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// procStatus reads a size field ("VmHWM:", "RssAnon:") of a process's
// /proc status (Linux), in bytes.
func procStatus(pid int, field string) (uint64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			var kb uint64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no %s for process %d", field, pid)
}
