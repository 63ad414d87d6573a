package evidence_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/lanterne/lanterne/crypto/evidence"
)

func chunk(i uint32, data []byte) evidence.Chunk {
	return evidence.Chunk{Index: i, Data: data, SHA256: sha256.Sum256(data)}
}

func TestChunkVerifierRealUpload(t *testing.T) {
	chunks, sum := encrypt(t, randomBytes(150*KiB, 11))
	v := evidence.NewChunkVerifier(10 * MiB)
	for i, c := range chunks {
		if dup, err := v.Add(c); dup || err != nil {
			t.Fatalf("chunk %d: dup %v, err %v", i, dup, err)
		}
		// A retry of the chunk just accepted (its answer was lost).
		if dup, err := v.Add(c); !dup || err != nil {
			t.Fatalf("retry of chunk %d: dup %v, err %v", i, dup, err)
		}
	}
	if v.Next() != sum.Chunks || v.Size() != sum.CiphertextSize {
		t.Errorf("Next %d, Size %d; want %d, %d", v.Next(), v.Size(), sum.Chunks, sum.CiphertextSize)
	}
	if err := v.Finish(sum.CiphertextSize, sum.CiphertextSHA256); err != nil {
		t.Fatal(err)
	}
	if err := v.Finish(sum.CiphertextSize, sum.CiphertextSHA256); err != nil {
		t.Errorf("repeated Finish: %v", err)
	}
	if dup, err := v.Add(chunks[0]); !dup || err != nil {
		t.Errorf("retry after Finish: dup %v, err %v", dup, err)
	}
}

func TestChunkVerifierRefuses(t *testing.T) {
	full := func(b byte) []byte { return bytes.Repeat([]byte{b}, evidence.ChunkSize) }
	short := []byte("the last chunk")
	all := append(append(full(1), full(2)...), short...)
	total := sha256.Sum256(all)
	wrongHash := chunk(1, full(2))
	wrongHash.SHA256[0] ^= 1

	type step struct {
		c       evidence.Chunk
		dup     bool
		wantErr error
	}
	tests := []struct {
		name      string
		max       int64
		steps     []step
		finSize   int64
		finSum    [32]byte
		finishErr error
	}{
		{"happy path", 1 * MiB, []step{{chunk(0, full(1)), false, nil}, {chunk(1, full(2)), false, nil}, {chunk(2, short), false, nil}}, int64(len(all)), total, nil},
		{"size an exact multiple", 1 * MiB, []step{{chunk(0, full(1)), false, nil}, {chunk(1, full(2)), false, nil}}, 2 * evidence.ChunkSize, sha256.Sum256(all[:2*evidence.ChunkSize]), nil},
		{"retry with other data refused", 1 * MiB, []step{{chunk(0, full(1)), false, nil}, {chunk(0, full(3)), false, evidence.ErrChunkConflict}}, evidence.ChunkSize, sha256.Sum256(full(1)), nil},
		{"gap", 1 * MiB, []step{{chunk(0, full(1)), false, nil}, {chunk(2, short), false, evidence.ErrChunkOrder}}, 0, total, evidence.ErrMismatch},
		{"first chunk not 0", 1 * MiB, []step{{chunk(1, full(1)), false, evidence.ErrChunkOrder}}, 0, total, evidence.ErrIncomplete},
		{"data not matching its hash", 1 * MiB, []step{{chunk(0, full(1)), false, nil}, {wrongHash, false, evidence.ErrMismatch}}, evidence.ChunkSize, sha256.Sum256(full(1)), nil},
		{"chunk after a short one", 1 * MiB, []step{{chunk(0, short), false, nil}, {chunk(1, full(1)), false, evidence.ErrChunkSize}}, int64(len(short)), sha256.Sum256(short), nil},
		{"empty chunk", 1 * MiB, []step{{chunk(0, nil), false, evidence.ErrChunkSize}}, 0, total, evidence.ErrIncomplete},
		{"oversized chunk", 1 * MiB, []step{{chunk(0, append(full(1), 0)), false, evidence.ErrChunkSize}}, 0, total, evidence.ErrIncomplete},
		{"over the size limit", evidence.ChunkSize + 5, []step{{chunk(0, full(1)), false, nil}, {chunk(1, full(2)), false, evidence.ErrTooLarge}, {chunk(1, short[:5]), false, nil}}, evidence.ChunkSize + 5, sha256.Sum256(append(full(1), short[:5]...)), nil},
		{"no limit means nothing admitted", 0, []step{{chunk(0, short), false, evidence.ErrTooLarge}}, 0, total, evidence.ErrIncomplete},
		{"finish announces more bytes", 1 * MiB, []step{{chunk(0, full(1)), false, nil}}, evidence.ChunkSize + 1, total, evidence.ErrIncomplete},
		{"finish announces fewer bytes", 1 * MiB, []step{{chunk(0, full(1)), false, nil}, {chunk(1, short), false, nil}}, evidence.ChunkSize, sha256.Sum256(full(1)), evidence.ErrMismatch},
		{"finish with another hash", 1 * MiB, []step{{chunk(0, full(1)), false, nil}, {chunk(1, full(2)), false, nil}, {chunk(2, short), false, nil}}, int64(len(all)), sha256.Sum256(short), evidence.ErrMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := evidence.NewChunkVerifier(tc.max)
			for i, s := range tc.steps {
				dup, err := v.Add(s.c)
				if dup != s.dup || !errors.Is(err, s.wantErr) || (err == nil) != (s.wantErr == nil) {
					t.Fatalf("step %d (chunk %d): dup %v, err %v; want %v, %v", i, s.c.Index, dup, err, s.dup, s.wantErr)
				}
			}
			if err := v.Finish(tc.finSize, tc.finSum); !errors.Is(err, tc.finishErr) || (err == nil) != (tc.finishErr == nil) {
				t.Fatalf("Finish: %v, want %v", err, tc.finishErr)
			}
		})
	}
}

func TestChunkVerifierAfterFinish(t *testing.T) {
	v := evidence.NewChunkVerifier(1 * MiB)
	full := bytes.Repeat([]byte{7}, evidence.ChunkSize)
	if _, err := v.Add(chunk(0, full)); err != nil {
		t.Fatal(err)
	}
	if err := v.Finish(evidence.ChunkSize, sha256.Sum256(full)); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Add(chunk(1, []byte("more"))); !errors.Is(err, evidence.ErrFinished) {
		t.Errorf("chunk after Finish: %v", err)
	}
	if err := v.Finish(evidence.ChunkSize+4, sha256.Sum256(full)); !errors.Is(err, evidence.ErrFinished) {
		t.Errorf("Finish with other values after Finish: %v", err)
	}
}

// FuzzChunkVerifier drives a verifier with arbitrary uploads and checks it
// against a direct model of the rules: whatever it accepts forms a valid
// chunked file, and Finish agrees with the hash of the accepted bytes.
func FuzzChunkVerifier(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 1, 0, 2, 2, 3, 9})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 5})
	f.Add([]byte{4, 0, 4, 1, 4, 2, 0, 3, 200})
	f.Add([]byte{0, 2, 1, 0, 5, 1, 0, 0, 6, 6, 6})
	f.Fuzz(func(t *testing.T, ops []byte) {
		// Every operation hashes up to 64 KiB a few times: keep runs short.
		ops = ops[:min(len(ops), 64)]
		const maxSize = 5*evidence.ChunkSize + 100
		v := evidence.NewChunkVerifier(maxSize)
		var accepted [][]byte // the model: accepted chunk data by index
		var size int
		finished := false
		for len(ops) >= 2 {
			op, arg := ops[0], ops[1]
			ops = ops[2:]
			next := len(accepted)
			idx := uint32(int(arg) % (next + 2))
			var data []byte
			switch op % 6 {
			case 0, 1: // full chunk
				data = bytes.Repeat([]byte{arg}, evidence.ChunkSize)
			case 2: // short chunk
				data = bytes.Repeat([]byte{arg}, 1+int(arg)*37)
			case 3: // oversized or empty
				data = make([]byte, (evidence.ChunkSize+1)*int(arg%2))
			case 4: // finish with the model's own view
				all := bytes.Join(accepted, nil)
				err := v.Finish(int64(len(all)), sha256.Sum256(all))
				if (err == nil) != (len(all) > 0) {
					t.Fatalf("Finish of %d accepted bytes: %v", len(all), err)
				}
				if err == nil {
					finished = true
				}
				continue
			case 5: // resend an accepted chunk, maybe altered
				if next == 0 {
					continue
				}
				i := int(arg) % next
				data = bytes.Clone(accepted[i])
				if arg%3 == 0 {
					data[0] ^= 1
				}
				idx = uint32(i)
			}
			c := chunk(idx, data)
			if op%7 == 6 {
				c.SHA256[5] ^= 0x80
			}
			dup, err := v.Add(c)

			// The model.
			hashOK := sha256.Sum256(c.Data) == c.SHA256
			var wantDup, wantOK bool
			switch {
			case !hashOK:
			case int(idx) < next:
				wantDup = bytes.Equal(accepted[idx], data)
			case finished || int(idx) > next:
			case next > 0 && len(accepted[next-1]) < evidence.ChunkSize:
			case len(data) == 0 || len(data) > evidence.ChunkSize || size+len(data) > maxSize:
			default:
				wantOK = true
			}
			if dup != wantDup || (err == nil) != (wantOK || wantDup) {
				t.Fatalf("Add(index %d, %d bytes, hash ok %v) = %v, %v; model says dup %v ok %v", idx, len(data), hashOK, dup, err, wantDup, wantOK)
			}
			if wantOK {
				accepted = append(accepted, data)
				size += len(data)
			}
			if v.Next() != uint32(len(accepted)) || v.Size() != int64(size) {
				t.Fatalf("Next %d Size %d, model %d %d", v.Next(), v.Size(), len(accepted), size)
			}
		}
		for i, d := range accepted {
			if i < len(accepted)-1 && len(d) != evidence.ChunkSize {
				t.Fatalf("accepted a short chunk %d before the last", i)
			}
		}
	})
}
