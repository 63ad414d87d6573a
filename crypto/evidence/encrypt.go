package evidence

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"

	"filippo.io/age"
)

// Encryptor encrypts what is written to it and hands the ciphertext to an emit
// function in upload chunks. Make one with NewEncryptor; it is not safe for
// concurrent use.
type Encryptor struct {
	w         io.WriteCloser // age's STREAM writer, writing into cut
	cut       cutter
	plainHash hash.Hash
	plainSize int64
	err       error // sticky: the first error, or errClosed after Close
	summary   Summary
	done      bool // Close succeeded and summary is set
}

var errClosed = errors.New("evidence: write after Close")

// NewEncryptor starts an age file encrypted to recipient (the case key) and
// returns a writer for the plaintext. Each time ChunkSize bytes of ciphertext
// are ready, emit is called with the next chunk, in index order, from within
// Write or Close. The last, possibly shorter chunk is emitted by Close.
//
// Chunk.Data aliases a buffer the Encryptor reuses: emit must copy or finish
// with the bytes (upload them, store them) before it returns, and must not
// keep the slice. This keeps memory constant whatever the file size.
//
// An error returned by emit stops the encryption: that Write or Close and all
// later calls return it. The caller may retry the upload of that chunk itself
// before returning from emit; there is no way to resume after emit fails.
func NewEncryptor(recipient age.Recipient, emit func(Chunk) error) (*Encryptor, error) {
	if recipient == nil {
		return nil, errors.New("evidence: no recipient")
	}
	if emit == nil {
		return nil, errors.New("evidence: no emit function")
	}
	e := &Encryptor{
		cut:       cutter{buf: make([]byte, ChunkSize), emit: emit, hash: sha256.New()},
		plainHash: sha256.New(),
	}
	w, err := age.Encrypt(&e.cut, recipient)
	if err != nil {
		return nil, fmt.Errorf("evidence: starting age encryption: %w", err)
	}
	e.w = w
	return e, nil
}

// Write encrypts p. It returns an error if emit failed, or after Close.
func (e *Encryptor) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.plainHash.Write(p[:n])
	e.plainSize += int64(n)
	if err != nil {
		e.err = err
	}
	return n, err
}

// Close encrypts and emits what is left, which ends the age file, and makes
// the Summary available. Calling Close again returns the first call's result.
func (e *Encryptor) Close() error {
	if e.done {
		return nil
	}
	if e.err != nil {
		return e.err
	}
	if err := e.w.Close(); err != nil {
		e.err = err
		return err
	}
	if err := e.cut.flush(); err != nil {
		e.err = err
		return err
	}
	e.summary = Summary{
		PlaintextSize:  e.plainSize,
		CiphertextSize: e.cut.size,
		Chunks:         e.cut.index,
	}
	e.plainHash.Sum(e.summary.PlaintextSHA256[:0])
	e.cut.hash.Sum(e.summary.CiphertextSHA256[:0])
	e.done = true
	e.err = errClosed
	return nil
}

// Summary returns the sizes and hashes of the file once Close has succeeded,
// and an error before.
func (e *Encryptor) Summary() (Summary, error) {
	if !e.done {
		return Summary{}, errors.New("evidence: Summary before a successful Close")
	}
	return e.summary, nil
}

// cutter receives the age file and emits it in chunks of ChunkSize bytes.
type cutter struct {
	buf   []byte // len ChunkSize, reused for every chunk
	n     int    // bytes of buf in use
	index uint32 // index of the next chunk to emit
	size  int64  // bytes emitted so far
	hash  hash.Hash
	emit  func(Chunk) error
	err   error
}

func (c *cutter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	done := 0
	for done < len(p) {
		k := copy(c.buf[c.n:], p[done:])
		c.n += k
		done += k
		if c.n == ChunkSize {
			if err := c.flush(); err != nil {
				return done, err
			}
		}
	}
	return done, nil
}

// flush emits the buffered bytes as the next chunk, if there are any.
func (c *cutter) flush() error {
	if c.err != nil {
		return c.err
	}
	if c.n == 0 {
		return nil
	}
	if c.size+int64(c.n) > MaxCiphertextSize {
		c.err = errors.New("evidence: file too large to number its chunks")
		return c.err
	}
	data := c.buf[:c.n:c.n]
	ch := Chunk{Index: c.index, Data: data, SHA256: sha256.Sum256(data)}
	c.hash.Write(data)
	if err := c.emit(ch); err != nil {
		c.err = fmt.Errorf("evidence: chunk %d: %w", ch.Index, err)
		return c.err
	}
	c.index++
	c.size += int64(c.n)
	c.n = 0
	return nil
}

// EncryptFrom encrypts everything read from src to recipient, emitting the
// chunks as NewEncryptor does, and returns the Summary. It reads src in blocks
// of ChunkSize bytes and, if progress is not nil, calls it after each block
// with the number of plaintext bytes encrypted so far (for a progress bar; the
// caller knows the file's size). Memory use is constant.
func EncryptFrom(src io.Reader, recipient age.Recipient, emit func(Chunk) error, progress func(done int64)) (Summary, error) {
	e, err := NewEncryptor(recipient, emit)
	if err != nil {
		return Summary{}, err
	}
	buf := make([]byte, ChunkSize)
	for {
		n, rerr := io.ReadFull(src, buf)
		if n > 0 {
			if _, err := e.Write(buf[:n]); err != nil {
				return Summary{}, err
			}
			if progress != nil {
				progress(e.plainSize)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return Summary{}, fmt.Errorf("evidence: reading the file: %w", rerr)
		}
	}
	if err := e.Close(); err != nil {
		return Summary{}, err
	}
	return e.Summary()
}
