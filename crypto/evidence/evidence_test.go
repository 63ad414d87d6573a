package evidence_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/evidence"
	"github.com/lanterne/lanterne/crypto/internal/agetool"
)

const KiB, MiB = 1024, 1024 * 1024

// caseKey is one hybrid identity shared by the tests (key generation is the
// slow part of age).
var caseKey = func() *age.HybridIdentity {
	id, err := age.GenerateHybridIdentity()
	if err != nil {
		panic(err)
	}
	return id
}()

// randomBytes returns n deterministic pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	var s [32]byte
	s[0] = byte(seed)
	b := make([]byte, n)
	rand.NewChaCha8(s).Read(b)
	return b
}

// encrypt runs EncryptFrom and returns the chunks (copied) and the summary.
func encrypt(t testing.TB, plaintext []byte) ([]evidence.Chunk, evidence.Summary) {
	t.Helper()
	var chunks []evidence.Chunk
	sum, err := evidence.EncryptFrom(bytes.NewReader(plaintext), caseKey.Recipient(), func(c evidence.Chunk) error {
		c.Data = bytes.Clone(c.Data)
		chunks = append(chunks, c)
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return chunks, sum
}

func concat(chunks []evidence.Chunk) []byte {
	var b []byte
	for _, c := range chunks {
		b = append(b, c.Data...)
	}
	return b
}

// ageOverhead is what age STREAM adds to a plaintext of n bytes after the
// header: the 16-byte nonce and a 16-byte tag per 64 KiB chunk (at least one).
func ageOverhead(n int) int {
	chunks := max(1, (n+64*KiB-1)/(64*KiB))
	return 16 + 16*chunks
}

func TestEncryptChunking(t *testing.T) {
	_, empty := encrypt(t, nil)
	header := int(empty.CiphertextSize) - ageOverhead(0)
	if header < 1000 {
		t.Fatalf("age header of a hybrid file is %d bytes, expected over 1000", header)
	}
	for _, n := range []int{0, 1, 64*KiB - 1, 64 * KiB, 64*KiB + 1, 3*MiB + 17} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			plaintext := randomBytes(n, uint64(n))
			chunks, sum := encrypt(t, plaintext)
			ct := concat(chunks)

			if want := header + ageOverhead(n) + n; len(ct) != want {
				t.Errorf("ciphertext is %d bytes, want %d (header + age STREAM)", len(ct), want)
			}
			want := evidence.Summary{
				PlaintextSize:    int64(n),
				PlaintextSHA256:  sha256.Sum256(plaintext),
				CiphertextSize:   int64(len(ct)),
				CiphertextSHA256: sha256.Sum256(ct),
				Chunks:           evidence.NumChunks(int64(len(ct))),
			}
			if sum != want {
				t.Errorf("summary = %+v\nwant      %+v", sum, want)
			}
			if int(sum.Chunks) != len(chunks) || len(chunks) != (len(ct)+64*KiB-1)/(64*KiB) {
				t.Errorf("%d chunks emitted, summary says %d, for %d bytes", len(chunks), sum.Chunks, len(ct))
			}
			for i, c := range chunks {
				if c.Index != uint32(i) {
					t.Errorf("chunk %d has index %d", i, c.Index)
				}
				if c.SHA256 != sha256.Sum256(c.Data) {
					t.Errorf("chunk %d: wrong SHA-256", i)
				}
				last := i == len(chunks)-1
				if !last && len(c.Data) != evidence.ChunkSize || last && (len(c.Data) == 0 || len(c.Data) > evidence.ChunkSize) {
					t.Errorf("chunk %d of %d has %d bytes", i, len(chunks), len(c.Data))
				}
			}

			// The concatenated chunks are a plain age file.
			r, err := age.Decrypt(bytes.NewReader(ct), caseKey)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, plaintext) {
				t.Fatalf("age.Decrypt: %d bytes, err %v", len(got), err)
			}
			// And Decrypt checks them against the summary.
			r, err = evidence.Decrypt(bytes.NewReader(ct), sum, caseKey)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, plaintext) {
				t.Fatalf("Decrypt: %d bytes, err %v", len(got), err)
			}
		})
	}
}

// A ciphertext that ends exactly on a chunk boundary has no empty last chunk.
func TestEncryptExactChunkMultiple(t *testing.T) {
	_, empty := encrypt(t, nil)
	header := int(empty.CiphertextSize) - ageOverhead(0)
	// header + 16 + n + 16*2 = 2*ChunkSize, with n between 64 KiB and 128 KiB.
	n := 2*evidence.ChunkSize - header - 16 - 32
	chunks, sum := encrypt(t, randomBytes(n, 7))
	if sum.CiphertextSize != 2*evidence.ChunkSize || len(chunks) != 2 || len(chunks[1].Data) != evidence.ChunkSize {
		t.Fatalf("ciphertext %d bytes in %d chunks", sum.CiphertextSize, len(chunks))
	}
}

// The reference age tool decrypts the concatenated chunks.
func TestReferenceToolDecrypts(t *testing.T) {
	plaintext := randomBytes(64*KiB+1, 3)
	chunks, _ := encrypt(t, plaintext)
	keyFile := filepath.Join(t.TempDir(), "key.txt")
	if err := os.WriteFile(keyFile, []byte(caseKey.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got := agetool.Run(t, concat(chunks), "-d", "-i", keyFile)
	if !bytes.Equal(got, plaintext) {
		t.Fatalf("age -d gave %d bytes, want the %d-byte plaintext", len(got), len(plaintext))
	}
}

// Writes of any size give the same chunking as EncryptFrom, and progress
// counts plaintext bytes.
func TestEncryptorWritesAndProgress(t *testing.T) {
	plaintext := randomBytes(200*KiB+5, 9)
	var sizes []int
	e, err := evidence.NewEncryptor(caseKey.Recipient(), func(c evidence.Chunk) error {
		sizes = append(sizes, len(c.Data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rest := plaintext; len(rest) > 0; {
		k := min(len(rest), 1+len(rest)%7919)
		if n, err := e.Write(rest[:k]); n != k || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		rest = rest[k:]
	}
	if _, err := e.Summary(); err == nil {
		t.Error("Summary before Close succeeded")
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := e.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
	sum, err := e.Summary()
	if err != nil || sum.PlaintextSHA256 != sha256.Sum256(plaintext) || int(sum.Chunks) != len(sizes) {
		t.Fatalf("summary %+v, %v", sum, err)
	}

	var progress []int64
	_, err = evidence.EncryptFrom(bytes.NewReader(plaintext), caseKey.Recipient(), func(evidence.Chunk) error { return nil },
		func(done int64) { progress = append(progress, done) })
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{64 * KiB, 128 * KiB, 192 * KiB, int64(len(plaintext))}
	if fmt.Sprint(progress) != fmt.Sprint(want) {
		t.Errorf("progress = %v, want %v", progress, want)
	}
}

func TestEncryptEmitErrorStops(t *testing.T) {
	boom := errors.New("network down")
	calls := 0
	_, err := evidence.EncryptFrom(bytes.NewReader(randomBytes(1*MiB, 1)), caseKey.Recipient(), func(c evidence.Chunk) error {
		calls++
		if c.Index == 2 {
			return boom
		}
		return nil
	}, nil)
	if !errors.Is(err, boom) || calls != 3 {
		t.Fatalf("err = %v after %d calls, want the emit error after 3", err, calls)
	}
	if _, err := evidence.NewEncryptor(nil, func(evidence.Chunk) error { return nil }); err == nil {
		t.Error("nil recipient accepted")
	}
	if _, err := evidence.NewEncryptor(caseKey.Recipient(), nil); err == nil {
		t.Error("nil emit accepted")
	}
	failing := errors.New("disk error")
	_, err = evidence.EncryptFrom(io.MultiReader(bytes.NewReader(make([]byte, 100)), iotestErr{failing}), caseKey.Recipient(),
		func(evidence.Chunk) error { return nil }, nil)
	if !errors.Is(err, failing) {
		t.Errorf("read error: got %v", err)
	}
}

type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

func TestDecryptRefuses(t *testing.T) {
	plaintext := randomBytes(300*KiB, 5)
	chunks, sum := encrypt(t, plaintext)
	ct := concat(chunks)
	other, otherSum := encrypt(t, randomBytes(300*KiB, 6)) // same size, same case key
	wrongKey, _ := age.GenerateHybridIdentity()

	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 1; return b }
	withHash := func(s evidence.Summary, b []byte) evidence.Summary { s.CiphertextSHA256 = sha256.Sum256(b); return s }
	tampered := flip(ct, 2*evidence.ChunkSize+100) // inside chunk 2, in the STREAM payload
	plus := func(s evidence.Summary, f func(*evidence.Summary)) evidence.Summary { f(&s); return s }

	tests := []struct {
		name     string
		src      []byte
		want     evidence.Summary
		id       age.Identity
		mismatch bool // the error wraps ErrMismatch
		atOpen   bool // Decrypt itself fails
	}{
		{"tampered chunk, manifest of the original", tampered, sum, caseKey, false, false},
		{"tampered chunk, manifest rehashed", tampered, withHash(sum, tampered), caseKey, false, false},
		{"another file to the same key (substitution)", concat(other), sum, caseKey, true, false},
		{"wrong ciphertext hash in manifest", ct, plus(sum, func(s *evidence.Summary) { s.CiphertextSHA256[0] ^= 1 }), caseKey, true, false},
		{"wrong plaintext hash in manifest", ct, plus(sum, func(s *evidence.Summary) { s.PlaintextSHA256[31] ^= 1 }), caseKey, true, false},
		{"wrong plaintext size in manifest", ct, plus(sum, func(s *evidence.Summary) { s.PlaintextSize-- }), caseKey, true, false},
		{"manifest size too small", ct, plus(sum, func(s *evidence.Summary) { s.CiphertextSize -= 10 }), caseKey, true, false},
		{"manifest size too large", ct, plus(sum, func(s *evidence.Summary) { s.CiphertextSize++ }), caseKey, true, false},
		{"trailing byte", append(bytes.Clone(ct), 0), sum, caseKey, true, false},
		{"last chunk missing", ct[:len(ct)-len(chunks[len(chunks)-1].Data)], withHash(sum, ct[:len(ct)-len(chunks[len(chunks)-1].Data)]), caseKey, false, false},
		{"chunks swapped", append(append(append(bytes.Clone(ct[:evidence.ChunkSize]), ct[2*evidence.ChunkSize:3*evidence.ChunkSize]...), ct[evidence.ChunkSize:2*evidence.ChunkSize]...), ct[3*evidence.ChunkSize:]...), sum, caseKey, false, false},
		{"wrong identity", ct, sum, wrongKey, false, true},
		{"empty manifest", ct, evidence.Summary{}, caseKey, false, true},
		{"other file's own manifest is fine", concat(other), otherSum, caseKey, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := evidence.Decrypt(bytes.NewReader(tc.src), tc.want, tc.id)
			if tc.atOpen {
				if err == nil {
					t.Fatal("Decrypt succeeded")
				}
				return
			}
			if err != nil {
				t.Fatalf("Decrypt failed early: %v", err)
			}
			got, err := io.ReadAll(r)
			if tc.name == "other file's own manifest is fine" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("read %d bytes without error", len(got))
			}
			if errors.Is(err, evidence.ErrMismatch) != tc.mismatch {
				t.Errorf("err = %v; wraps ErrMismatch = %v, want %v", err, !tc.mismatch, tc.mismatch)
			}
			if !bytes.HasPrefix(plaintext, got) && tc.name != "another file to the same key (substitution)" {
				t.Errorf("delivered %d bytes that are not a prefix of the plaintext", len(got))
			}
			if len(got) > int(tc.want.PlaintextSize) {
				t.Errorf("delivered %d bytes, more than the manifest's %d", len(got), tc.want.PlaintextSize)
			}
			// Errors never show hashes.
			for _, h := range [][32]byte{sum.CiphertextSHA256, sum.PlaintextSHA256, tc.want.CiphertextSHA256} {
				if strings.Contains(err.Error(), hex.EncodeToString(h[:4])) {
					t.Errorf("error shows a hash: %v", err)
				}
			}
			// The error is sticky.
			if _, err2 := r.Read(make([]byte, 10)); err2 == nil || err2 == io.EOF {
				t.Errorf("Read after failure: %v", err2)
			}
		})
	}
}

func TestNumChunks(t *testing.T) {
	for _, tc := range []struct {
		size int64
		want uint32
	}{{0, 0}, {-1, 0}, {1, 1}, {evidence.ChunkSize, 1}, {evidence.ChunkSize + 1, 2}, {evidence.MaxCiphertextSize, 1<<32 - 1}, {evidence.MaxCiphertextSize + 1, 0}} {
		if got := evidence.NumChunks(tc.size); got != tc.want {
			t.Errorf("NumChunks(%d) = %d, want %d", tc.size, got, tc.want)
		}
	}
}
