package evidence

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
)

// Errors returned by ChunkVerifier. Those about hashes and sizes also wrap
// ErrMismatch.
var (
	ErrChunkOrder    = errors.New("evidence: chunk out of order")
	ErrChunkSize     = errors.New("evidence: chunk has the wrong size")
	ErrChunkConflict = errors.New("evidence: chunk index already holds different data")
	ErrTooLarge      = errors.New("evidence: upload larger than allowed")
	ErrIncomplete    = errors.New("evidence: upload incomplete")
	ErrFinished      = errors.New("evidence: upload already finished")
)

// ChunkVerifier checks, without any key, one file's upload as the server
// receives it: chunks arrive in index order from 0; a chunk is re-sent
// (after a failure or a lost answer) with the same index and the same bytes,
// which is accepted again as a duplicate; every chunk holds exactly ChunkSize
// bytes except the last, which holds 1 to ChunkSize; each chunk's data hashes
// to its announced SHA-256; and at the end the whole ciphertext has the size
// and SHA-256 the client announces. The file's chunk count is not known in
// advance: a short chunk ends the upload, and so does Finish.
//
// Memory: 32 bytes per chunk (the accepted hashes, to recognise retries) plus
// one running SHA-256. A ChunkVerifier is not safe for concurrent use.
type ChunkVerifier struct {
	maxSize  int64
	sums     [][32]byte // SHA-256 of each accepted chunk, by index
	size     int64      // bytes accepted
	short    bool       // the last accepted chunk is shorter than ChunkSize
	total    hash.Hash  // SHA-256 of the accepted chunks, in order
	finished bool
	final    [32]byte
}

// NewChunkVerifier starts checking an upload of at most maxSize bytes of
// ciphertext. A maxSize that is not positive admits nothing.
func NewChunkVerifier(maxSize int64) *ChunkVerifier {
	return &ChunkVerifier{maxSize: min(maxSize, MaxCiphertextSize), total: sha256.New()}
}

// Next returns the index of the chunk the verifier expects next, which is
// also the number of chunks accepted so far (for a client resuming an upload).
func (v *ChunkVerifier) Next() uint32 { return uint32(len(v.sums)) }

// Size returns the number of ciphertext bytes accepted so far.
func (v *ChunkVerifier) Size() int64 { return v.size }

// Add checks one received chunk. It returns dup = true, and no error, when c
// repeats an accepted chunk exactly (same index, same data): the server
// answers success without storing it again. Otherwise a nil error means the
// server must store c.Data under c.Index. A different chunk at an accepted
// index is refused with ErrChunkConflict, never replacing the first.
func (v *ChunkVerifier) Add(c Chunk) (dup bool, err error) {
	if sha256.Sum256(c.Data) != c.SHA256 {
		return false, fmt.Errorf("%w: chunk %d does not hash to its SHA-256", ErrMismatch, c.Index)
	}
	next := uint32(len(v.sums))
	if c.Index < next {
		if v.sums[c.Index] != c.SHA256 {
			return false, fmt.Errorf("%w: chunk %d", ErrChunkConflict, c.Index)
		}
		return true, nil
	}
	switch {
	case v.finished:
		return false, ErrFinished
	case c.Index > next:
		return false, fmt.Errorf("%w: got chunk %d, want %d", ErrChunkOrder, c.Index, next)
	case v.short:
		return false, fmt.Errorf("%w: chunk %d comes after a short (last) chunk", ErrChunkSize, c.Index)
	case len(c.Data) == 0 || len(c.Data) > ChunkSize:
		return false, fmt.Errorf("%w: chunk %d has %d bytes", ErrChunkSize, c.Index, len(c.Data))
	case int64(len(c.Data)) > v.maxSize-v.size:
		return false, ErrTooLarge
	}
	v.sums = append(v.sums, c.SHA256)
	v.size += int64(len(c.Data))
	v.short = len(c.Data) < ChunkSize
	v.total.Write(c.Data)
	return false, nil
}

// Finish ends the upload: the chunks accepted must make a ciphertext of
// exactly size bytes with SHA-256 sum, as the client announces them. After a
// successful Finish no new chunk is accepted; calling Finish again with the
// same values succeeds again.
func (v *ChunkVerifier) Finish(size int64, sum [32]byte) error {
	if v.finished {
		if size != v.size || sum != v.final {
			return ErrFinished
		}
		return nil
	}
	if v.size == 0 {
		return fmt.Errorf("%w: no chunk received", ErrIncomplete)
	}
	if size > v.size {
		return fmt.Errorf("%w: %d of %d bytes received", ErrIncomplete, v.size, size)
	}
	if size != v.size {
		return fmt.Errorf("%w: received %d bytes, announced %d", ErrMismatch, v.size, size)
	}
	var got [32]byte
	v.total.Sum(got[:0])
	if got != sum {
		return fmt.Errorf("%w: ciphertext SHA-256 differs from the announced one", ErrMismatch)
	}
	v.finished, v.final = true, got
	return nil
}
