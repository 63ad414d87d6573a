package evidence

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"

	"filippo.io/age"
)

// Decrypt returns a reader of the plaintext of the age file read from src
// (the concatenated chunks, in index order), decrypted with one of ids, and
// checked against want, the file's manifest entry.
//
// age authenticates every plaintext chunk before it is returned, so the
// reader never yields bytes that were not encrypted under this file's key.
// The manifest check comes on top: the ciphertext must have exactly
// want.CiphertextSize bytes hashing to want.CiphertextSHA256, and the
// plaintext want.PlaintextSize bytes hashing to want.PlaintextSHA256
// (want.Chunks is not used). Hashes are only known at the end, so a mismatch
// is reported by the Read that reaches the end, instead of io.EOF, as an
// error wrapping ErrMismatch. A ciphertext longer than announced fails as
// soon as the extra bytes are read.
//
// Callers must therefore treat the plaintext as provisional until Read has
// returned io.EOF: write it to a temporary place and show, open or save it
// only then. Decrypt itself buffers nothing beyond age's one chunk.
//
// Decrypt reads and decrypts the age header before returning, so a file that
// none of ids opens fails here.
func Decrypt(src io.Reader, want Summary, ids ...age.Identity) (io.Reader, error) {
	if want.CiphertextSize <= 0 || want.CiphertextSize > MaxCiphertextSize || want.PlaintextSize < 0 {
		return nil, errors.New("evidence: manifest has impossible sizes")
	}
	if len(ids) == 0 {
		return nil, errors.New("evidence: no identity to decrypt with")
	}
	cr := &countingReader{r: src, limit: want.CiphertextSize, hash: sha256.New()}
	pr, err := age.Decrypt(cr, ids...)
	if err != nil {
		if errors.Is(err, ErrMismatch) {
			return nil, err
		}
		return nil, fmt.Errorf("evidence: cannot decrypt: %w", err)
	}
	return &verifyingReader{r: pr, cr: cr, want: want, hash: sha256.New()}, nil
}

// countingReader hashes and counts the ciphertext, failing once it exceeds
// the announced size.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
	hash  hash.Hash
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.hash.Write(p[:n])
	c.n += int64(n)
	if c.n > c.limit {
		return n, fmt.Errorf("%w: ciphertext is longer than its manifest size", ErrMismatch)
	}
	return n, err
}

type verifyingReader struct {
	r    io.Reader
	cr   *countingReader
	want Summary
	hash hash.Hash
	n    int64
	err  error // sticky final result
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.r.Read(p)
	v.hash.Write(p[:n])
	v.n += int64(n)
	switch {
	case err == io.EOF:
		v.err = v.check()
	case err != nil:
		if errors.Is(err, ErrMismatch) {
			v.err = err
		} else {
			v.err = fmt.Errorf("evidence: cannot decrypt: %w", err)
		}
	case v.n > v.want.PlaintextSize:
		v.err = fmt.Errorf("%w: plaintext is longer than its manifest size", ErrMismatch)
	}
	if v.err != nil {
		// Bytes already read in this call are not returned with a mismatch:
		// nothing past the manifest's size is ever delivered.
		if err == io.EOF {
			return n, v.err
		}
		return 0, v.err
	}
	return n, nil
}

// check runs once age has reached the authenticated end of the file.
func (v *verifyingReader) check() error {
	// age has checked that src ends after the final STREAM chunk; read once
	// more so that a reader that buffers cannot hide trailing bytes.
	var one [1]byte
	if n, _ := v.cr.Read(one[:]); n > 0 {
		return fmt.Errorf("%w: data after the end of the age file", ErrMismatch)
	}
	var sum [32]byte
	switch {
	case v.cr.n != v.want.CiphertextSize:
		return fmt.Errorf("%w: ciphertext size differs", ErrMismatch)
	case [32]byte(v.cr.hash.Sum(sum[:0])) != v.want.CiphertextSHA256:
		return fmt.Errorf("%w: ciphertext SHA-256 differs", ErrMismatch)
	case v.n != v.want.PlaintextSize:
		return fmt.Errorf("%w: plaintext size differs", ErrMismatch)
	case [32]byte(v.hash.Sum(sum[:0])) != v.want.PlaintextSHA256:
		return fmt.Errorf("%w: plaintext SHA-256 differs", ErrMismatch)
	}
	return io.EOF
}
