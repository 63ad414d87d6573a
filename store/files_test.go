package store

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

func TestFileLifecycle(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	before := orgBytes(t, s)

	data := ageFile(t, 3*MaxChunkSize+1000)
	h := FileHeader{FileID: randHex(16), Size: uint64(len(data)), SHA256: sha256.Sum256(data),
		Chunks: uint32(chunksFor(uint64(len(data)))), BeganDay: "2026-11-23"}
	if h.Chunks != 4 {
		t.Fatalf("test file has %d chunks", h.Chunks)
	}
	wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil)
	wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil) // the same header again
	if got := orgBytes(t, s); got != before+h.Size {
		t.Errorf("reservation: organisation bytes %d, want %d", got, before+h.Size)
	}
	chunk := func(i uint32) []byte { return data[int(i)*MaxChunkSize : min(len(data), int(i+1)*MaxChunkSize)] }
	pending, err := s.PendingFiles(ctx, testOrg)
	if err != nil || len(pending) != 1 || pending[0] != (PendingFile{id, h.FileID, "2026-11-23"}) {
		t.Fatalf("PendingFiles = %v, %v", pending, err)
	}
	// Chunks in any order, one twice.
	for _, i := range []uint32{2, 0, 3, 0, 1} {
		wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, i, chunk(i)), nil)
	}
	other := bytes.Clone(chunk(1))
	other[100] ^= 1
	wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, 1, other), ErrConflict)
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID), nil)
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID), nil) // again: no-op

	var out chunkWriter
	n, err := s.ReadFile(ctx, testOrg, id, h.FileID, &out)
	if err != nil || n != int64(len(data)) || !bytes.Equal(out.buf.Bytes(), data) {
		t.Fatalf("ReadFile = %d bytes, %v; equal %v", n, err, bytes.Equal(out.buf.Bytes(), data))
	}
	if out.largest > MaxChunkSize || out.writes != 4 {
		t.Errorf("ReadFile wrote %d times, largest %d: not chunk by chunk", out.writes, out.largest)
	}
	files, err := s.Files(ctx, testOrg, id)
	h.Complete = true
	if err != nil || len(files) != 1 || files[0] != h {
		t.Errorf("Files = %+v, %v", files, err)
	}
	if pending, _ := s.PendingFiles(ctx, testOrg); len(pending) != 0 {
		t.Errorf("complete file still pending: %v", pending)
	}
	if got := orgBytes(t, s); got != before+h.Size {
		t.Errorf("chunks counted twice: organisation bytes %d, want %d", got, before+h.Size)
	}
	wantErr(t, s.DeleteFile(ctx, testOrg, id, h.FileID), ErrConflict)
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

func TestBeginFileRefusals(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	good := FileHeader{FileID: randHex(16), Size: 2*MaxChunkSize + 1, Chunks: 3, BeganDay: "2026-11-23"}
	wantErr(t, s.BeginFile(ctx, testOrg, id, good), nil)
	tests := []struct {
		name   string
		id     string
		change func(h *FileHeader)
		want   error
	}{
		{"too few chunks", id, func(h *FileHeader) { h.FileID = randHex(16); h.Chunks = 2 }, ErrInvalid},
		{"too many chunks", id, func(h *FileHeader) { h.FileID = randHex(16); h.Chunks = 4 }, ErrInvalid},
		{"empty file", id, func(h *FileHeader) { h.FileID = randHex(16); h.Size, h.Chunks = 0, 0 }, ErrInvalid},
		{"file id not hex", id, func(h *FileHeader) { h.FileID = "photo-of-bruise.jpg" }, ErrInvalid},
		{"file id too short", id, func(h *FileHeader) { h.FileID = "abcd" }, ErrInvalid},
		{"timestamp instead of day", id, func(h *FileHeader) { h.FileID = randHex(16); h.BeganDay = "2026-11-23 10:04" }, ErrInvalid},
		{"same id, other header", id, func(h *FileHeader) { h.SHA256[0] ^= 1 }, ErrExists},
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
	size := uint64(2*MaxChunkSize + 10)
	h := FileHeader{FileID: randHex(16), Size: size, Chunks: 3, BeganDay: "2026-11-23"}
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
		{"short middle chunk", h.FileID, 1, full[:1000], ErrInvalid},
		{"last chunk too long", h.FileID, 2, full[:11], ErrInvalid},
		{"index beyond the file", h.FileID, 3, full[:10], ErrInvalid},
		{"first chunk is not age", h.FileID, 0, full, ErrInvalid},
		{"unknown file", randHex(16), 0, first, ErrNotFound},
		{"first chunk", h.FileID, 0, first, nil},
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
}

func TestCompleteFileFailures(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	data := ageFile(t, 2*MaxChunkSize)
	chunk := func(i uint32) []byte { return data[int(i)*MaxChunkSize : min(len(data), int(i+1)*MaxChunkSize)] }
	good := FileHeader{Size: uint64(len(data)), SHA256: sha256.Sum256(data), Chunks: 3, BeganDay: "2026-11-23"}

	tests := []struct {
		name   string
		change func(h *FileHeader)
		put    []uint32
		want   error
	}{
		{"missing middle chunk", func(h *FileHeader) {}, []uint32{0, 2}, ErrIncomplete},
		{"no chunk at all", func(h *FileHeader) {}, nil, ErrIncomplete},
		{"wrong hash", func(h *FileHeader) { h.SHA256[31] ^= 0x80 }, []uint32{0, 1, 2}, ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := good
			h.FileID = randHex(16)
			tt.change(&h)
			wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil)
			for _, i := range tt.put {
				wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, i, chunk(i)), nil)
			}
			wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID), tt.want)
			files, err := s.Files(ctx, testOrg, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				if f.FileID == h.FileID && f.Complete {
					t.Error("file marked complete")
				}
			}
			_, err = s.ReadFile(ctx, testOrg, id, h.FileID, &bytes.Buffer{})
			wantErr(t, err, ErrIncomplete)
		})
	}
	pending, err := s.PendingFiles(ctx, testOrg)
	if err != nil || len(pending) != len(tests) {
		t.Errorf("PendingFiles = %d, %v; want %d", len(pending), err, len(tests))
	}
	_, err = s.ReadFile(ctx, testOrg, id, randHex(16), &bytes.Buffer{})
	wantErr(t, err, ErrNotFound)
	wantErr(t, s.CompleteFile(ctx, testOrg, id, randHex(16)), ErrNotFound)
	checkCounters(t, s)
}

func TestDeleteFile(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	before := snapshot(t, s)
	h, data := uploadFile(t, s, id, MaxChunkSize+5, false)
	wantErr(t, s.DeleteFile(ctx, testOrg, id, h.FileID), nil)
	sameSnapshot(t, before, snapshot(t, s)) // chunks, header, pending index and reservation gone
	wantErr(t, s.DeleteFile(ctx, testOrg, id, h.FileID), ErrNotFound)
	// The same id may be declared again, with other bytes.
	other := bytes.Clone(data)
	other[len(other)-1] ^= 1
	h.SHA256 = sha256.Sum256(other)
	wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil)
	for i := range h.Chunks {
		wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, i, other[int(i)*MaxChunkSize:min(len(other), int(i+1)*MaxChunkSize)]), nil)
	}
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID), nil)
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
		wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil) // same header, same hash claimed
		wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, 0, other), nil)
	}
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID), ErrConflict)
	files, err := s.Files(ctx, testOrg, id)
	if err != nil || len(files) != 1 || files[0].Complete {
		t.Errorf("Files = %+v, %v: the redeclared file must stay incomplete", files, err)
	}
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID), ErrConflict) // its bytes do not match
}
