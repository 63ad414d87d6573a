package client

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net/http"

	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/evidence"
)

// Download streams the file of item (from a verified evidence_added
// message, see EvidenceItems) from the server, decrypts it with the case
// keys and writes the plaintext to w, in constant memory.
//
// Nothing written to w may be trusted, shown or opened before Download
// returns nil: the size and hashes of the ciphertext and of the plaintext
// are checked against item only at the end, so a server that delivers
// another file (even one encrypted to this case's key) is detected then,
// with an error wrapping evidence.ErrMismatch. Write to a temporary file and
// rename it into place only on success; delete it otherwise.
func (rcase *ReferentCase) Download(ctx context.Context, item envelope.EvidenceItem, w io.Writer) error {
	if err := item.Validate(); err != nil {
		return err
	}
	want, err := summaryOf(item)
	if err != nil {
		return err
	}
	resp, err := rcase.rs.s.send(ctx, request{method: http.MethodGet, path: filePath(rcase.base, item.FileID)})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	rcase.mu.Lock()
	ids := rcase.kr.Identities()
	rcase.mu.Unlock()
	// Decrypt refuses anything past want.CiphertextSize; the limit only
	// stops reading early.
	pt, err := evidence.Decrypt(io.LimitReader(resp.Body, want.CiphertextSize+1), want, ids...)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, pt)
	return err
}

// summaryOf converts a manifest entry to what evidence.Decrypt checks.
func summaryOf(item envelope.EvidenceItem) (evidence.Summary, error) {
	s := evidence.Summary{PlaintextSize: item.Size, CiphertextSize: item.CiphertextSize}
	p, err1 := hex.DecodeString(item.PlaintextSHA256)
	c, err2 := hex.DecodeString(item.CiphertextSHA256)
	if err1 != nil || err2 != nil || len(p) != 32 || len(c) != 32 {
		return s, errors.New("lanterne client: malformed evidence hashes")
	}
	copy(s.PlaintextSHA256[:], p)
	copy(s.CiphertextSHA256[:], c)
	s.Chunks = evidence.NumChunks(item.CiphertextSize)
	return s, nil
}
