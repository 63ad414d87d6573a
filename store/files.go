package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// chunksFor is the number of chunks of a file of size bytes.
func chunksFor(size uint64) uint64 { return (size + MaxChunkSize - 1) / MaxChunkSize }

// maxFileSize is the largest MaxSize: chunk counts are uint32.
const maxFileSize = MaxChunkSize * (1<<32 - 1)

func checkMaxSize(n uint64) error {
	if n == 0 || n > maxFileSize {
		return fmt.Errorf("%w: a file's maximum size must be 1 to %d bytes, not %d", ErrInvalid, uint64(maxFileSize), n)
	}
	return nil
}

func getFile(cb *bolt.Bucket, id, file string) (fileRecord, error) {
	var rec fileRecord
	fb := cb.Bucket(bFiles)
	var v []byte
	if fb != nil {
		v = fb.Get([]byte(file))
	}
	if v == nil {
		return rec, fmt.Errorf("%w: case %s has no file %s", ErrNotFound, id, file)
	}
	if err := json.Unmarshal(v, &rec); err != nil {
		return rec, fmt.Errorf("store: case %s: file %s: header is corrupt: %v", id, file, err)
	}
	return rec, nil
}

func putFile(cb *bolt.Bucket, rec *fileRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return cb.Bucket(bFiles).Put([]byte(rec.FileID), v)
}

func pendingKey(id, file string) []byte { return []byte(id + file) }

// BeginFile implements Store.
func (s *BoltStore) BeginFile(ctx context.Context, org, id string, h FileHeader) error {
	if err := checkFileID(h.FileID); err != nil {
		return err
	}
	if err := checkDay("file day", h.BeganDay, false); err != nil {
		return err
	}
	if err := checkMaxSize(h.MaxSize); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		ob, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		fb, err := cb.CreateBucketIfNotExists(bFiles)
		if err != nil {
			return err
		}
		if fb.Get([]byte(h.FileID)) != nil {
			cur, err := getFile(cb, id, h.FileID)
			if err != nil {
				return err
			}
			if cur.MaxSize == h.MaxSize {
				return nil
			}
			return fmt.Errorf("%w: case %s already has file %s with another maximum size", ErrExists, id, h.FileID)
		}
		if err := s.charge(ob, cb, h.MaxSize); err != nil {
			return err
		}
		serial, err := fb.NextSequence()
		if err != nil {
			return err
		}
		rec := fileRecord{FileID: h.FileID, MaxSize: h.MaxSize, BeganDay: h.BeganDay, Serial: serial}
		if err := putFile(cb, &rec); err != nil {
			return err
		}
		return ob.Bucket(bPending).Put(pendingKey(id, h.FileID), []byte(h.BeganDay))
	})
}

// PutChunk implements Store.
func (s *BoltStore) PutChunk(ctx context.Context, org, id, file string, index uint32, data []byte) error {
	if err := checkFileID(file); err != nil {
		return err
	}
	if len(data) == 0 || len(data) > MaxChunkSize {
		return fmt.Errorf("%w: a chunk has 1 to %d bytes, not %d", ErrInvalid, MaxChunkSize, len(data))
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		rec, err := getFile(cb, id, file)
		if err != nil {
			return err
		}
		// A chunk ending past MaxSize can be part of no file CompleteFile
		// accepts; refusing it keeps the stored bytes within the reservation.
		if end := uint64(index)*MaxChunkSize + uint64(len(data)); end > rec.MaxSize {
			return fmt.Errorf("%w: chunk %d of %d bytes ends past the %d bytes declared for file %s", ErrInvalid, index, len(data), rec.MaxSize, file)
		}
		if rec.Complete && index >= rec.Chunks {
			return fmt.Errorf("%w: file %s was completed with %d chunks, no chunk %d", ErrConflict, file, rec.Chunks, index)
		}
		if index == 0 && !bytes.HasPrefix(data, []byte(ageMagic)) {
			return fmt.Errorf("%w: file %s does not start as an age ciphertext", ErrInvalid, file)
		}
		chb, err := cb.CreateBucketIfNotExists(bChunks)
		if err != nil {
			return err
		}
		k := chunkKey(file, index)
		if cur := chb.Get(k); cur != nil {
			if bytes.Equal(cur, data) {
				return nil
			}
			return fmt.Errorf("%w: chunk %d of file %s is already stored with other bytes", ErrConflict, index, file)
		}
		return chb.Put(k, data)
	})
}

// storedChunks counts the chunks of file that are stored.
func storedChunks(cb *bolt.Bucket, file string) uint32 {
	chb := cb.Bucket(bChunks)
	if chb == nil {
		return 0
	}
	var n uint32
	p := chunkPrefix(file)
	c := chb.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		n++
	}
	return n
}

// chunkBeyond reports the first stored chunk of file with an index of at
// least n, if any.
func chunkBeyond(cb *bolt.Bucket, file string, n uint32) (uint32, bool) {
	chb := cb.Bucket(bChunks)
	if chb == nil {
		return 0, false
	}
	k, _ := chb.Cursor().Seek(chunkKey(file, n))
	if k == nil || !bytes.HasPrefix(k, chunkPrefix(file)) {
		return 0, false
	}
	_, index, _ := parseChunkKey(k)
	return index, true
}

// checkChunks verifies, without reading their bytes, that file has exactly
// the chunks 0..n-1 of a file of size bytes: a chunk past them or of the
// wrong length is ErrConflict, a missing one ErrIncomplete.
func checkChunks(cb *bolt.Bucket, file string, size uint64) error {
	n := chunksFor(size)
	if index, ok := chunkBeyond(cb, file, uint32(n)); ok {
		return fmt.Errorf("%w: file %s of %d bytes has %d chunks, yet chunk %d is stored", ErrConflict, file, size, n, index)
	}
	var have uint64
	if chb := cb.Bucket(bChunks); chb != nil {
		p := chunkPrefix(file)
		c := chb.Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			_, index, ok := parseChunkKey(k)
			if !ok {
				return fmt.Errorf("store: file %s: malformed chunk key", file)
			}
			want := uint64(MaxChunkSize)
			if uint64(index)+1 == n {
				want = size - (n-1)*MaxChunkSize
			}
			if uint64(len(v)) != want {
				return fmt.Errorf("%w: chunk %d of file %s has %d bytes; a file of %d bytes needs %d there", ErrConflict, index, file, len(v), size, want)
			}
			have++
		}
	}
	if have != n {
		return fmt.Errorf("%w: file %s has %d of its %d chunks", ErrIncomplete, file, have, n)
	}
	return nil
}

// CompleteFile implements Store. It checks the chunk lengths and hashes the
// chunks in short read transactions, so a large file never holds the write
// lock or a long read transaction, then marks the file complete if it was
// not deleted and declared again meanwhile and no chunk past its end was
// added.
func (s *BoltStore) CompleteFile(ctx context.Context, org, id, file string, size uint64, sum Hash) error {
	if err := checkFileID(file); err != nil {
		return err
	}
	if size == 0 {
		return fmt.Errorf("%w: a file has at least one byte", ErrInvalid)
	}
	// done reports whether rec is already complete as claimed (a no-op)
	// or complete otherwise (ErrConflict).
	done := func(rec *fileRecord) (bool, error) {
		if !rec.Complete {
			return false, nil
		}
		if rec.Size != size || rec.SHA256 != sum {
			return true, fmt.Errorf("%w: file %s is already complete with another size or SHA-256", ErrConflict, file)
		}
		return true, nil
	}
	var rec fileRecord
	var complete bool
	err := s.view(ctx, func(tx *bolt.Tx) error {
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		if rec, err = getFile(cb, id, file); err != nil {
			return err
		}
		if complete, err = done(&rec); complete || err != nil {
			return err
		}
		if size > rec.MaxSize {
			return fmt.Errorf("%w: file %s completed with %d bytes, declared at most %d", ErrConflict, file, size, rec.MaxSize)
		}
		return checkChunks(cb, file, size)
	})
	if err != nil || complete {
		return err
	}
	h := sha256.New()
	var total uint64
	n := uint32(chunksFor(size))
	for i := range n {
		chunk, err := s.chunk(ctx, org, id, file, i)
		if err != nil {
			return err
		}
		h.Write(chunk)
		total += uint64(len(chunk))
	}
	if s.afterHash != nil {
		s.afterHash()
	}
	if total != size {
		return fmt.Errorf("%w: file %s has %d bytes, not %d", ErrConflict, file, total, size)
	}
	if Hash(h.Sum(nil)) != sum {
		return fmt.Errorf("%w: file %s does not hash to the SHA-256 given", ErrConflict, file)
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		ob, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		cur, err := getFile(cb, id, file)
		if err != nil {
			return err
		}
		if cur.Serial != rec.Serial {
			return fmt.Errorf("%w: file %s was declared again while it was checked", ErrConflict, file)
		}
		if complete, err := done(&cur); complete || err != nil {
			return err
		}
		// Chunks below n are set once; one past the end may have come since.
		if index, ok := chunkBeyond(cb, file, n); ok {
			return fmt.Errorf("%w: file %s of %d bytes has %d chunks, yet chunk %d is stored", ErrConflict, file, size, n, index)
		}
		cur.Size, cur.SHA256, cur.Chunks, cur.Complete = size, sum, n, true
		if err := putFile(cb, &cur); err != nil {
			return err
		}
		if err := release(ob, cb, cur.MaxSize-size); err != nil {
			return err
		}
		return ob.Bucket(bPending).Delete(pendingKey(id, file))
	})
}

// chunk copies one chunk out of a short read transaction.
func (s *BoltStore) chunk(ctx context.Context, org, id, file string, index uint32) ([]byte, error) {
	var out []byte
	err := s.view(ctx, func(tx *bolt.Tx) error {
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		var v []byte
		if chb := cb.Bucket(bChunks); chb != nil {
			v = chb.Get(chunkKey(file, index))
		}
		if v == nil {
			return fmt.Errorf("%w: file %s misses chunk %d", ErrIncomplete, file, index)
		}
		out = clone(v)
		return nil
	})
	return out, err
}

// ReadFile implements Store. If the case is deleted while the file is
// being read, it stops with ErrNotFound after what it already wrote.
func (s *BoltStore) ReadFile(ctx context.Context, org, id, file string, w io.Writer) (int64, error) {
	if err := checkFileID(file); err != nil {
		return 0, err
	}
	var rec fileRecord
	err := s.view(ctx, func(tx *bolt.Tx) error {
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		rec, err = getFile(cb, id, file)
		if err == nil && !rec.Complete {
			err = fmt.Errorf("%w: file %s is not complete", ErrIncomplete, file)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	var n int64
	for i := range rec.Chunks {
		chunk, err := s.chunk(ctx, org, id, file, i)
		if err != nil {
			return n, err
		}
		m, err := w.Write(chunk)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Files implements Store.
func (s *BoltStore) Files(ctx context.Context, org, id string) ([]FileHeader, error) {
	var out []FileHeader
	err := s.view(ctx, func(tx *bolt.Tx) error {
		out = nil
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		fb := cb.Bucket(bFiles)
		if fb == nil {
			return nil
		}
		return fb.ForEach(func(k, v []byte) error {
			var rec fileRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("store: case %s: file %s: header is corrupt: %v", id, k, err)
			}
			h := rec.header()
			h.Stored = rec.Chunks
			if !rec.Complete {
				h.Stored = storedChunks(cb, rec.FileID)
			}
			out = append(out, h)
			return nil
		})
	})
	return out, err
}

// PendingFiles implements Store.
func (s *BoltStore) PendingFiles(ctx context.Context, org string) ([]PendingFile, error) {
	var out []PendingFile
	err := s.view(ctx, func(tx *bolt.Tx) error {
		out = nil
		ob, err := orgBucket(tx, org)
		if err != nil {
			return err
		}
		return ob.Bucket(bPending).ForEach(func(k, v []byte) error {
			if len(k) <= 32 {
				return fmt.Errorf("store: organisation %s: malformed pending file key", org)
			}
			out = append(out, PendingFile{Case: string(k[:32]), FileID: string(k[32:]), BeganDay: string(v)})
			return nil
		})
	})
	return out, err
}

// DeleteFile implements Store.
func (s *BoltStore) DeleteFile(ctx context.Context, org, id, file string) error {
	if err := checkFileID(file); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		ob, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		rec, err := getFile(cb, id, file)
		if err != nil {
			return err
		}
		if rec.Complete {
			return fmt.Errorf("%w: file %s is complete; only deleting the case removes it", ErrConflict, file)
		}
		if chb := cb.Bucket(bChunks); chb != nil {
			if err := deletePrefix(chb, chunkPrefix(file)); err != nil {
				return err
			}
		}
		if err := cb.Bucket(bFiles).Delete([]byte(file)); err != nil {
			return err
		}
		if err := release(ob, cb, rec.reserved()); err != nil {
			return err
		}
		return ob.Bucket(bPending).Delete(pendingKey(id, file))
	})
}
