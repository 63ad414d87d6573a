package evidence_test

import (
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"
	"testing/cryptotest"

	"github.com/lanterne/lanterne/crypto/evidence"
)

// stream returns a deterministic pseudo-random reader of n bytes, generated
// on the fly so that the test never holds the file in memory.
func stream(n int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{42}), n)
}

type memWatch struct {
	base      runtime.MemStats
	maxInUse  uint64
	samples   int
	lastAlloc uint64
}

func newMemWatch() *memWatch {
	runtime.GC()
	w := &memWatch{}
	runtime.ReadMemStats(&w.base)
	return w
}

func (w *memWatch) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	w.maxInUse = max(w.maxInUse, m.HeapInuse)
	w.lastAlloc = m.TotalAlloc
	w.samples++
}

// Encrypting 256 MiB keeps the heap in use under 16 MiB above where it
// started, and allocates far less than the file's size in total.
func TestEncryptMemoryBounded(t *testing.T) {
	size := int64(256 * MiB)
	if testing.Short() {
		size = 32 * MiB
	}
	w := newMemWatch()
	var chunks int
	sum, err := evidence.EncryptFrom(stream(size), caseKey.Recipient(), func(c evidence.Chunk) error {
		if chunks%64 == 0 {
			w.sample()
		}
		chunks++
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.sample()
	if sum.PlaintextSize != size {
		t.Fatalf("encrypted %d bytes", sum.PlaintextSize)
	}
	growth := int64(w.maxInUse) - int64(w.base.HeapInuse)
	alloc := w.lastAlloc - w.base.TotalAlloc
	t.Logf("%d MiB in %d chunks: heap in use grew by at most %d KiB over %d samples; %d KiB allocated in total",
		size/MiB, chunks, growth/1024, w.samples, alloc/1024)
	if growth > 16*MiB {
		t.Errorf("heap in use grew by %d MiB while streaming", growth/MiB)
	}
	if alloc > 8*MiB {
		t.Errorf("%d MiB allocated for a %d MiB stream: allocation grows with the file", alloc/MiB, size/MiB)
	}
}

// Decrypt streams as well: the chunks of a 64 MiB file go through a pipe
// into Decrypt without ever being held together. The file is encrypted twice
// with the same deterministic randomness, first for its manifest, then for
// real.
func TestDecryptMemoryBounded(t *testing.T) {
	size := int64(64 * MiB)
	if testing.Short() {
		size = 16 * MiB
	}
	discard := func(evidence.Chunk) error { return nil }
	cryptotest.SetGlobalRandom(t, 1)
	want, err := evidence.EncryptFrom(stream(size), caseKey.Recipient(), discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	cryptotest.SetGlobalRandom(t, 1)

	pr, pw := io.Pipe()
	go func() {
		_, err := evidence.EncryptFrom(stream(size), caseKey.Recipient(), func(c evidence.Chunk) error {
			_, err := pw.Write(c.Data) // blocks until Decrypt has read it all
			return err
		}, nil)
		pw.CloseWithError(err)
	}()
	w := newMemWatch()
	r, err := evidence.Decrypt(pr, want, caseKey)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	buf := make([]byte, 32*1024)
	var n int64
	for i := 0; ; i++ {
		k, err := r.Read(buf)
		h.Write(buf[:k])
		n += int64(k)
		if i%256 == 0 {
			w.sample()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	w.sample()
	if n != size || [32]byte(h.Sum(nil)) != want.PlaintextSHA256 {
		t.Fatalf("decrypted %d bytes, hash ok %v", n, [32]byte(h.Sum(nil)) == want.PlaintextSHA256)
	}
	growth := int64(w.maxInUse) - int64(w.base.HeapInuse)
	t.Logf("%d MiB decrypted: heap in use grew by at most %d KiB", size/MiB, growth/1024)
	if growth > 16*MiB {
		t.Errorf("heap in use grew by %d MiB while decrypting", growth/MiB)
	}
}
