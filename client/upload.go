package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/evidence"
	"github.com/lanterne/lanterne/crypto/scrub"
	"github.com/lanterne/lanterne/server/api"
)

// File is one file the reporter attaches. Nothing of it but its encrypted
// content reaches the server: the name and media type travel inside an
// evidence_added message encrypted to the case key.
type File struct {
	// Name is the file name shown to referents (no '/' or '\').
	Name string
	// MediaType is the type the device gives the file; the content decides
	// when it is a JPEG, PNG or PDF.
	MediaType string
	// Size is the file's size in bytes. Reading more than Size bytes from
	// Open fails the upload (the file changed while it was sent).
	Size int64
	// Open returns the file's content; it is called once per upload.
	Open func() (io.ReadCloser, error)
}

// Progress reports the upload of one file.
type Progress struct {
	// File is the file's index in Submission.Files (0 for Attach).
	File int
	Name string
	// Done and Total count bytes of the file read, scrubbed, encrypted and
	// uploaded; Done reaches Total when the file is stored.
	Done, Total int64
}

// Upload limits and chunk retry policy.
const (
	// headerAllowance bounds an age header for one recipient: a hybrid
	// (ML-KEM-768 + X25519) stanza is about 1.6 KB, an X25519 one about 0.2 KB,
	// with slack.
	headerAllowance = 4 << 10
	// ageNonceSize is the STREAM nonce after the header.
	ageNonceSize = 16
	// ageTagSize is the authentication tag of each 64 KiB STREAM chunk.
	ageTagSize = 16
	// ageChunkSize is age's STREAM plaintext chunk.
	ageChunkSize = 64 << 10
	// chunkRetries is how many times a failed chunk upload is retried.
	chunkRetries = 3
	// maxPDFSize is the largest PDF scrubbed in memory (pdfscrub.MaxSize).
	maxPDFSize = 200 << 20
)

// MaxCiphertextSize returns an upper bound of the size of the age file that
// encrypts plaintextSize bytes to one recipient: the header allowance, the
// 16-byte nonce, the plaintext and a 16-byte tag per 64 KiB STREAM chunk (an
// empty file still has one chunk). It is what a client declares before
// uploading; it returns -1 for a negative size or one beyond
// api.MaxFileCiphertext.
func MaxCiphertextSize(plaintextSize int64) int64 {
	if plaintextSize < 0 || plaintextSize > api.MaxFileCiphertext {
		return -1
	}
	chunks := (plaintextSize + ageChunkSize - 1) / ageChunkSize
	if chunks == 0 {
		chunks = 1
	}
	return headerAllowance + ageNonceSize + plaintextSize + chunks*ageTagSize
}

// errFileGrew is returned when a file yields more bytes than File.Size.
var errFileGrew = errors.New("lanterne client: the file is larger than its announced size (did it change during the upload?)")

// uploaded is the outcome of one file upload.
type uploaded struct {
	Item  envelope.EvidenceItem
	Scrub scrub.Report
}

// uploadFile scrubs, encrypts and uploads f to the case at base (a case
// path) over s, and returns its evidence item. Memory use is constant for
// JPEG, PNG and unscrubbed files; a PDF with a PDFScrubber is held in memory.
func (s *session) uploadFile(ctx context.Context, base string, f File, to age.Recipient, index int, progress func(Progress)) (*uploaded, error) {
	if f.Open == nil {
		return nil, errors.New("lanterne client: file has no Open function")
	}
	if f.Size < 0 || MaxCiphertextSize(f.Size) < 0 {
		return nil, fmt.Errorf("lanterne client: file too large (at most %d bytes)", int64(api.MaxFileCiphertext)-headerAllowance)
	}
	probe := envelope.EvidenceItem{Name: f.Name}
	probe.MediaType, probe.FileID = "application/octet-stream", strings.Repeat("0", 32)
	probe.PlaintextSHA256, probe.CiphertextSHA256 = strings.Repeat("0", 64), strings.Repeat("0", 64)
	probe.CiphertextSize = 1
	if err := probe.Validate(); err != nil {
		return nil, fmt.Errorf("lanterne client: file name: %w", err)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(&strictLimit{r: rc, n: f.Size}, evidence.ChunkSize)
	head, err := br.Peek(scrub.HeadSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	typ := scrub.Detect(head)
	item := envelope.EvidenceItem{FileID: envelope.NewID(), Name: f.Name, MediaType: mediaType(typ, f.MediaType)}

	var (
		src    io.Reader
		total  = f.Size
		rep    = scrub.Report{Type: typ, Unscrubbed: true}
		done   atomic.Int64
		scrubc chan scrubResult
	)
	switch typ {
	case scrub.TypeJPEG, scrub.TypePNG:
		// Stream: scrubber → pipe → encryptor → chunks.
		pr, pw := io.Pipe()
		defer pr.Close()
		scrubc = make(chan scrubResult, 1)
		go func() {
			r, err := scrub.Scrub(pw, &counter{r: br, n: &done}, typ)
			pw.CloseWithError(err)
			scrubc <- scrubResult{r, err}
		}()
		src = pr
	case scrub.TypePDF:
		if s.c.PDFScrubber == nil {
			src = &counter{r: br, n: &done}
			break
		}
		if f.Size > maxPDFSize {
			return nil, fmt.Errorf("lanterne client: PDF larger than %d MiB cannot be scrubbed", maxPDFSize>>20)
		}
		whole, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		var out bytes.Buffer
		if rep, err = s.c.PDFScrubber(&out, bytes.NewReader(whole)); err != nil {
			return nil, fmt.Errorf("lanterne client: scrubbing the PDF: %w", err)
		}
		total = int64(out.Len())
		src = &counter{r: &out, n: &done}
	default:
		src = &counter{r: br, n: &done}
	}

	maxSize := MaxCiphertextSize(total)
	fbase := filePath(base, item.FileID)
	err = s.do(ctx, request{method: http.MethodPost, path: base + "/files",
		in: api.FileDecl{FileID: item.FileID, MaxCiphertextSize: maxSize}})
	if err != nil {
		return nil, err
	}
	report := func() {
		if progress != nil {
			progress(Progress{File: index, Name: f.Name, Done: min(done.Load(), total), Total: total})
		}
	}
	report()
	var sent int64
	emit := func(ch evidence.Chunk) error {
		sent += int64(len(ch.Data))
		if sent > maxSize {
			return errors.New("lanterne client: ciphertext larger than declared")
		}
		return s.putChunk(ctx, chunkPath(base, item.FileID, ch.Index), ch.Data)
	}
	sum, err := evidence.EncryptFrom(src, to, emit, func(int64) { report() })
	if scrubc != nil {
		if err != nil {
			// Unblock the scrubber if the encryption stopped first.
			src.(*io.PipeReader).CloseWithError(err)
		}
		res := <-scrubc
		if err == nil && res.err != nil {
			err = res.err
		}
		rep = res.rep
	}
	if err != nil {
		return nil, err
	}
	err = s.do(ctx, request{method: http.MethodPost, path: fbase + "/complete",
		in: api.FileComplete{CiphertextSize: sum.CiphertextSize, CiphertextSHA256: sum.CiphertextSHA256[:]}})
	if err != nil {
		return nil, err
	}
	done.Store(total)
	report()
	item.Size = sum.PlaintextSize
	item.PlaintextSHA256 = hex.EncodeToString(sum.PlaintextSHA256[:])
	item.CiphertextSHA256 = hex.EncodeToString(sum.CiphertextSHA256[:])
	item.CiphertextSize = sum.CiphertextSize
	if err := item.Validate(); err != nil {
		return nil, err
	}
	return &uploaded{Item: item, Scrub: rep}, nil
}

type scrubResult struct {
	rep scrub.Report
	err error
}

// mediaType chooses the evidence item's media type: the detected type for
// JPEG, PNG and PDF, else the device's type when it is well-formed.
func mediaType(typ scrub.Type, declared string) string {
	if typ != scrub.TypeOther {
		return string(typ)
	}
	mt, _, err := mime.ParseMediaType(strings.ToLower(strings.TrimSpace(declared)))
	if err != nil || strings.Count(mt, "/") != 1 || len(mt) > 127 {
		return string(scrub.TypeOther)
	}
	return mt
}

// putChunk uploads one chunk, retrying up to chunkRetries times after a
// network failure or a 5xx, 408 or 429 answer. The server accepts an exact
// repeat of a stored chunk, so a retry after a lost answer is harmless.
func (s *session) putChunk(ctx context.Context, path string, data []byte) error {
	// The transport may read a request body after Do returns; the encryptor
	// reuses data once emit returns, so each attempt sends its own copy.
	for attempt := 0; ; attempt++ {
		err := s.do(ctx, request{method: http.MethodPut, path: path, raw: bytes.Clone(data)})
		if err == nil || attempt == chunkRetries || !retryable(ctx, err) {
			return err
		}
		t := time.NewTimer(s.c.retryDelay(attempt + 1))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (c *Client) retryDelay(attempt int) time.Duration {
	if c.RetryDelay != nil {
		return c.RetryDelay(attempt)
	}
	return 250 * time.Millisecond << attempt
}

// retryable reports whether a failed request may succeed when repeated.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status >= 500 || ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusRequestTimeout
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// strictLimit reads at most n bytes from r and fails if r has more.
type strictLimit struct {
	r io.Reader
	n int64
}

func (l *strictLimit) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One more byte would exceed the announced size.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, errFileGrew
		}
		if err == nil {
			return 0, nil
		}
		return 0, err
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n *atomic.Int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
