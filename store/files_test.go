package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"hash"
	"io"
	"testing"

	"filippo.io/age"
)

func TestFileLifecycle(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	before := orgBytes(t, s)

	data := ageFile(t, 3*MaxChunkSize+1000)
	size, sum := uint64(len(data)), sha256.Sum256(data)
	// The bound leaves room for a fifth chunk the file turns out not to need.
	h := FileHeader{FileID: randHex(16), MaxSize: size + MaxChunkSize, BeganDay: "2026-11-23"}
	if chunksFor(size) != 4 || chunksFor(h.MaxSize) != 5 {
		t.Fatalf("test file has %d chunks, bound %d", chunksFor(size), chunksFor(h.MaxSize))
	}
	wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil)
	wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil) // the same declaration again
	if got := orgBytes(t, s); got != before+h.MaxSize {
		t.Errorf("reservation: organisation bytes %d, want %d", got, before+h.MaxSize)
	}
	pending, err := s.PendingFiles(ctx, testOrg)
	if err != nil || len(pending) != 1 || pending[0] != (PendingFile{id, h.FileID, "2026-11-23"}) {
		t.Fatalf("PendingFiles = %v, %v", pending, err)
	}
	if files, err := s.Files(ctx, testOrg, id); err != nil || len(files) != 1 || files[0] != h {
		t.Errorf("Files before completion = %+v, %v; want %+v", files, err, h)
	}
	// Chunks in any order, one twice.
	for _, i := range []uint32{2, 0, 3, 0, 1} {
		wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, i, chunkOf(data, i)), nil)
	}
	other := bytes.Clone(chunkOf(data, 1))
	other[100] ^= 1
	wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, 1, other), ErrConflict)
	bad := sum
	bad[0] ^= 1
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, size, bad), ErrConflict) // refused, nothing changes
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, size, sum), nil)
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, size, sum), nil) // again: no-op
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, size, bad), ErrConflict)
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, size-1, sum), ErrConflict)

	var out chunkWriter
	n, err := s.ReadFile(ctx, testOrg, id, h.FileID, &out)
	if err != nil || n != int64(len(data)) || !bytes.Equal(out.buf.Bytes(), data) {
		t.Fatalf("ReadFile = %d bytes, %v; equal %v", n, err, bytes.Equal(out.buf.Bytes(), data))
	}
	if out.largest > MaxChunkSize || out.writes != 4 {
		t.Errorf("ReadFile wrote %d times, largest %d: not chunk by chunk", out.writes, out.largest)
	}
	files, err := s.Files(ctx, testOrg, id)
	h.Size, h.SHA256, h.Chunks, h.Complete, h.Stored = size, sum, 4, true, 4
	if err != nil || len(files) != 1 || files[0] != h {
		t.Errorf("Files = %+v, %v; want %+v", files, err, h)
	}
	if pending, _ := s.PendingFiles(ctx, testOrg); len(pending) != 0 {
		t.Errorf("complete file still pending: %v", pending)
	}
	if got := orgBytes(t, s); got != before+size {
		t.Errorf("after completion: organisation bytes %d, want %d (the reservation shrinks to the size)", got, before+size)
	}
	// A complete file takes no more chunks, but a retried one is fine.
	snap := snapshot(t, s)
	wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, 3, chunkOf(data, 3)), nil)
	wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, 4, []byte("more")), ErrConflict)
	wantErr(t, s.BeginFile(ctx, testOrg, id, FileHeader{FileID: h.FileID, MaxSize: h.MaxSize, BeganDay: "2026-11-24"}), nil)
	wantErr(t, s.BeginFile(ctx, testOrg, id, FileHeader{FileID: h.FileID, MaxSize: size, BeganDay: "2026-11-23"}), ErrExists)
	wantErr(t, s.DeleteFile(ctx, testOrg, id, h.FileID), ErrConflict)
	sameSnapshot(t, snap, snapshot(t, s))
	checkCounters(t, s)
}

type chunkWriter struct {
	buf             bytes.Buffer
	writes, largest int
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.writes++
	w.largest = max(w.largest, len(p))
	return w.buf.Write(p)
}

// uploader is a phone's upload: it sends each 64 KiB of ciphertext as age
// produces it, and learns the size and SHA-256 only at the end.
type uploader struct {
	t     testing.TB
	s     Store
	id    string
	file  string
	buf   []byte
	next  uint32
	size  uint64
	hash  hash.Hash
	holds int // the most ciphertext bytes held at once
}

func (u *uploader) Write(p []byte) (int, error) {
	u.hash.Write(p)
	u.size += uint64(len(p))
	for rest := p; len(rest) > 0; {
		n := min(len(rest), MaxChunkSize-len(u.buf))
		u.buf = append(u.buf, rest[:n]...)
		rest = rest[n:]
		u.holds = max(u.holds, len(u.buf))
		if len(u.buf) == MaxChunkSize {
			u.flush()
		}
	}
	return len(p), nil
}

func (u *uploader) flush() {
	u.t.Helper()
	if len(u.buf) == 0 {
		return
	}
	wantErr(u.t, u.s.PutChunk(ctx, testOrg, u.id, u.file, u.next, u.buf), nil)
	u.next++
	u.buf = u.buf[:0]
}

func TestStreamingUpload(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	before := orgBytes(t, s)
	reporter, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	plaintext := make([]byte, 5*MaxChunkSize+77)
	rand.Read(plaintext)

	// The client bounds the ciphertext from the plaintext size alone: age's
	// header, nonce and one 16-byte tag per 64 KiB.
	maxSize := uint64(len(plaintext)) + 1024 + 16*(chunksFor(uint64(len(plaintext)))+1)
	file := randHex(32)
	wantErr(t, s.BeginFile(ctx, testOrg, id, FileHeader{FileID: file, MaxSize: maxSize, BeganDay: "2026-11-23"}), nil)
	up := &uploader{t: t, s: s, id: id, file: file, hash: sha256.New()}
	w, err := age.Encrypt(up, reporter.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	for p := plaintext; len(p) > 0; p = p[min(len(p), 10000):] {
		w.Write(p[:min(len(p), 10000)])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if up.next < 5 {
		t.Fatalf("only %d chunks uploaded before the end", up.next)
	}
	up.flush()
	if up.holds > MaxChunkSize {
		t.Errorf("the client held %d bytes", up.holds)
	}
	if files, err := s.Files(ctx, testOrg, id); err != nil || len(files) != 1 || files[0].Complete || files[0].Size != 0 {
		t.Errorf("Files before completion = %+v, %v", files, err)
	}
	wantErr(t, s.CompleteFile(ctx, testOrg, id, file, up.size, Hash(up.hash.Sum(nil))), nil)
	if got := orgBytes(t, s); got != before+up.size {
		t.Errorf("organisation bytes %d, want %d", got, before+up.size)
	}

	var ct bytes.Buffer
	if _, err := s.ReadFile(ctx, testOrg, id, file, &ct); err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(&ct, reporter)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, plaintext) {
		t.Errorf("decrypted %d bytes, %v; want the %d bytes uploaded", len(got), err, len(plaintext))
	}
	checkCounters(t, s)
}

func TestBeginFileRefusals(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	good := FileHeader{FileID: randHex(16), MaxSize: 2*MaxChunkSize + 1, BeganDay: "2026-11-23"}
	wantErr(t, s.BeginFile(ctx, testOrg, id, good), nil)
	tests := []struct {
		name   string
		id     string
		change func(h *FileHeader)
		want   error
	}{
		{"same id, size fields ignored", id, func(h *FileHeader) { h.Size, h.Chunks, h.SHA256[0], h.Complete = 5, 9, 1, true }, nil},
		{"no maximum size", id, func(h *FileHeader) { h.FileID = randHex(16); h.MaxSize = 0 }, ErrInvalid},
		{"maximum size beyond 2^32 chunks", id, func(h *FileHeader) { h.FileID = randHex(16); h.MaxSize = maxFileSize + 1 }, ErrInvalid},
		{"file id not hex", id, func(h *FileHeader) { h.FileID = "photo-of-bruise.jpg" }, ErrInvalid},
		{"file id too short", id, func(h *FileHeader) { h.FileID = "abcd" }, ErrInvalid},
		{"timestamp instead of day", id, func(h *FileHeader) { h.FileID = randHex(16); h.BeganDay = "2026-11-23 10:04" }, ErrInvalid},
		{"same id, other maximum size", id, func(h *FileHeader) { h.MaxSize++ }, ErrExists},
		{"unknown case", newID(), func(h *FileHeader) {}, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := good
			tt.change(&h)
			before := snapshot(t, s)
			wantErr(t, s.BeginFile(ctx, testOrg, tt.id, h), tt.want)
			sameSnapshot(t, before, snapshot(t, s))
		})
	}
}

func TestPutChunkRefusals(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	h := FileHeader{FileID: randHex(16), MaxSize: 2*MaxChunkSize + 10, BeganDay: "2026-11-23"}
	wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil)
	first := append([]byte(ageMagic), bytes.Repeat([]byte{7}, MaxChunkSize-len(ageMagic))...)
	full := bytes.Repeat([]byte{1}, MaxChunkSize)
	tests := []struct {
		name  string
		file  string
		index uint32
		data  []byte
		want  error
	}{
		{"64 KiB + 1", h.FileID, 1, bytes.Repeat([]byte{1}, MaxChunkSize+1), ErrInvalid},
		{"empty chunk", h.FileID, 1, nil, ErrInvalid},
		{"last chunk ends past the maximum", h.FileID, 2, full[:11], ErrInvalid},
		{"index beyond the maximum", h.FileID, 3, full[:10], ErrInvalid},
		{"first chunk is not age", h.FileID, 0, full, ErrInvalid},
		{"unknown file", randHex(16), 0, first, ErrNotFound},
		{"first chunk", h.FileID, 0, first, nil},
		{"short middle chunk (checked at completion)", h.FileID, 1, full[:1000], nil},
		{"middle chunk changed", h.FileID, 1, full, ErrConflict},
		{"last chunk", h.FileID, 2, full[:10], nil},
		{"last chunk again", h.FileID, 2, full[:10], nil},
		{"last chunk changed", h.FileID, 2, bytes.Repeat([]byte{2}, 10), ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot(t, s)
			err := s.PutChunk(ctx, testOrg, id, tt.file, tt.index, tt.data)
			wantErr(t, err, tt.want)
			if err != nil {
				sameSnapshot(t, before, snapshot(t, s))
			}
		})
	}
	// What was stored cannot make a file of the declared maximum.
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, h.MaxSize, Hash{}), ErrConflict)
}

func TestCompleteFileFailures(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	data := ageFile(t, 2*MaxChunkSize)
	size, sum := uint64(len(data)), sha256.Sum256(data)
	if chunksFor(size) != 3 {
		t.Fatalf("test file has %d chunks", chunksFor(size))
	}
	type put struct {
		index uint32
		data  []byte
	}
	all := []put{{0, chunkOf(data, 0)}, {1, chunkOf(data, 1)}, {2, chunkOf(data, 2)}}
	tests := []struct {
		name string
		puts []put
		size uint64
		sum  func() Hash
		want error
	}{
		{"missing middle chunk", []put{all[0], all[2]}, size, nil, ErrIncomplete},
		{"no chunk at all", nil, size, nil, ErrIncomplete},
		{"wrong hash", all, size, func() Hash { h := sum; h[31] ^= 0x80; return h }, ErrConflict},
		{"empty size", all, 0, nil, ErrInvalid},
		{"size above the maximum", all, size + MaxChunkSize + 1, nil, ErrConflict},
		{"extra chunk beyond the size", append(all, put{3, []byte("more")}), size, nil, ErrConflict},
		{"size understated by a chunk", all, 2 * MaxChunkSize, nil, ErrConflict},
		{"size overstated by a byte", all, size + 1, nil, ErrConflict},
		{"short middle chunk", []put{all[0], {1, chunkOf(data, 1)[:1000]}, all[2]}, size, nil, ErrConflict},
		{"short middle chunk, size to match", []put{all[0], {1, chunkOf(data, 1)[:1000]}, all[2]}, size - MaxChunkSize + 1000, nil, ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := FileHeader{FileID: randHex(16), MaxSize: size + MaxChunkSize, BeganDay: "2026-11-23"}
			wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil)
			for _, p := range tt.puts {
				wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, p.index, p.data), nil)
			}
			claimed := sum
			if tt.sum != nil {
				claimed = tt.sum()
			}
			before := snapshot(t, s)
			wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, tt.size, claimed), tt.want)
			sameSnapshot(t, before, snapshot(t, s))
			_, err := s.ReadFile(ctx, testOrg, id, h.FileID, &bytes.Buffer{})
			wantErr(t, err, ErrIncomplete)
		})
	}
	pending, err := s.PendingFiles(ctx, testOrg)
	if err != nil || len(pending) != len(tests) {
		t.Errorf("PendingFiles = %d, %v; want %d", len(pending), err, len(tests))
	}
	_, err = s.ReadFile(ctx, testOrg, id, randHex(16), &bytes.Buffer{})
	wantErr(t, err, ErrNotFound)
	wantErr(t, s.CompleteFile(ctx, testOrg, id, randHex(16), size, sum), ErrNotFound)
	checkCounters(t, s)
}

func TestDeleteFile(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	before := snapshot(t, s)
	bytesBefore := orgBytes(t, s)
	h, data := uploadFile(t, s, id, MaxChunkSize+5, false)
	if got := orgBytes(t, s); got != bytesBefore+h.MaxSize {
		t.Errorf("organisation bytes %d, want %d", got, bytesBefore+h.MaxSize)
	}
	wantErr(t, s.DeleteFile(ctx, testOrg, id, h.FileID), nil)
	sameSnapshot(t, before, snapshot(t, s)) // chunks, header, pending index and reservation gone
	wantErr(t, s.DeleteFile(ctx, testOrg, id, h.FileID), ErrNotFound)
	// The same id may be declared again, with another bound and other bytes.
	other := bytes.Clone(data)
	other[len(other)-1] ^= 1
	h.MaxSize += 7
	wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil)
	putChunks(t, s, id, h.FileID, other)
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, uint64(len(other)), sha256.Sum256(other)), nil)
	if got := orgBytes(t, s); got != bytesBefore+uint64(len(other)) {
		t.Errorf("organisation bytes %d, want %d", got, bytesBefore+uint64(len(other)))
	}
	checkCounters(t, s)
}

// A file deleted and declared again while CompleteFile hashed the old
// chunks must not be marked complete on the strength of the old hash.
func TestCompleteFileNoticesRedeclaration(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	h, data := uploadFile(t, s, id, 10, false)
	other := bytes.Clone(data)
	other[len(other)-1] ^= 1
	s.afterHash = func() {
		s.afterHash = nil
		wantErr(t, s.DeleteFile(ctx, testOrg, id, h.FileID), nil)
		wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil) // same declaration
		wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, 0, other), nil)
	}
	size, sum := uint64(len(data)), sha256.Sum256(data)
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, size, sum), ErrConflict)
	files, err := s.Files(ctx, testOrg, id)
	if err != nil || len(files) != 1 || files[0].Complete {
		t.Errorf("Files = %+v, %v: the redeclared file must stay incomplete", files, err)
	}
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, size, sum), ErrConflict) // its bytes do not match
	checkCounters(t, s)
}

// A chunk past the end, stored while CompleteFile hashed the others, must
// not be left behind uncounted in a complete file.
func TestCompleteFileNoticesLateExtraChunk(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	data := ageFile(t, 100)
	h := FileHeader{FileID: randHex(16), MaxSize: 2 * MaxChunkSize, BeganDay: "2026-11-23"}
	wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil)
	putChunks(t, s, id, h.FileID, data)
	s.afterHash = func() {
		s.afterHash = nil
		wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, 1, []byte("late")), nil)
	}
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, uint64(len(data)), sha256.Sum256(data)), ErrConflict)
	files, err := s.Files(ctx, testOrg, id)
	if err != nil || len(files) != 1 || files[0].Complete {
		t.Errorf("Files = %+v, %v: the file must stay incomplete", files, err)
	}
	checkCounters(t, s)
}
