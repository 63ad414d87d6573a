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

// chunkLen is the length chunk index of rec must have.
func chunkLen(rec *fileRecord, index uint32) uint64 {
	if index+1 < rec.Chunks {
		return MaxChunkSize
	}
	return rec.Size - uint64(rec.Chunks-1)*MaxChunkSize
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
	if h.Size == 0 || uint64(h.Chunks) != chunksFor(h.Size) {
		return fmt.Errorf("%w: a file of %d bytes has %d chunks of at most %d bytes, not %d", ErrInvalid, h.Size, chunksFor(h.Size), MaxChunkSize, h.Chunks)
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
			if cur.Size == h.Size && cur.SHA256 == h.SHA256 && cur.Chunks == h.Chunks {
				return nil
			}
			return fmt.Errorf("%w: case %s already has a different file %s", ErrExists, id, h.FileID)
		}
		if err := s.charge(ob, cb, h.Size); err != nil {
			return err
		}
		serial, err := fb.NextSequence()
		if err != nil {
			return err
		}
		rec := fileRecord{FileID: h.FileID, Size: h.Size, SHA256: h.SHA256, Chunks: h.Chunks, BeganDay: h.BeganDay, Serial: serial}
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
		if index >= rec.Chunks {
			return fmt.Errorf("%w: file %s has %d chunks, no chunk %d", ErrInvalid, file, rec.Chunks, index)
		}
		if want := chunkLen(&rec, index); uint64(len(data)) != want {
			return fmt.Errorf("%w: chunk %d of file %s must have %d bytes, not %d", ErrInvalid, index, file, want, len(data))
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

// CompleteFile implements Store. It hashes the chunks in short read
// transactions, so a large file never holds the write lock or a long read
// transaction, then marks the file complete if it was not deleted and
// declared again meanwhile.
func (s *BoltStore) CompleteFile(ctx context.Context, org, id, file string) error {
	if err := checkFileID(file); err != nil {
		return err
	}
	var rec fileRecord
	err := s.view(ctx, func(tx *bolt.Tx) error {
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		if rec, err = getFile(cb, id, file); err != nil || rec.Complete {
			return err
		}
		var have uint32
		if chb := cb.Bucket(bChunks); chb != nil {
			p := chunkPrefix(file)
			c := chb.Cursor()
			for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
				have++
			}
		}
		if have != rec.Chunks {
			return fmt.Errorf("%w: file %s has %d of its %d chunks", ErrIncomplete, file, have, rec.Chunks)
		}
		return nil
	})
	if err != nil || rec.Complete {
		return err
	}
	h := sha256.New()
	var total uint64
	for i := range rec.Chunks {
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
	if total != rec.Size {
		return fmt.Errorf("%w: file %s has %d bytes, declared %d", ErrConflict, file, total, rec.Size)
	}
	if Hash(h.Sum(nil)) != rec.SHA256 {
		return fmt.Errorf("%w: file %s does not hash to its declared SHA-256", ErrConflict, file)
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
		if cur.Complete {
			return nil
		}
		cur.Complete = true
		if err := putFile(cb, &cur); err != nil {
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
			out = append(out, rec.header())
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
		if err := release(ob, cb, rec.Size); err != nil {
			return err
		}
		return ob.Bucket(bPending).Delete(pendingKey(id, file))
	})
}
