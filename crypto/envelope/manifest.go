package envelope

import (
	"fmt"
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EvidenceItem describes one encrypted file (package evidence) inside a
// report or an evidence_added message. The server sees the ciphertext, its
// size and hashes; the name, media type and plaintext hash are only here,
// encrypted.
type EvidenceItem struct {
	// FileID is the file's upload id: 32 lower-case hex digits (NewID).
	FileID string `json:"file_id"`
	// Name is the file name shown to referents: 1 to 255 bytes of UTF-8,
	// without control characters, '/' or '\'.
	Name string `json:"name"`
	// MediaType is a lower-case MIME type without parameters ("image/jpeg").
	MediaType string `json:"media_type"`
	// Size is the size of the (scrubbed) plaintext.
	Size int64 `json:"size"`
	// PlaintextSHA256 and CiphertextSHA256 are SHA-256 digests as 64
	// lower-case hex digits.
	PlaintextSHA256  string `json:"plaintext_sha256"`
	CiphertextSHA256 string `json:"ciphertext_sha256"`
	// CiphertextSize is the size of the age file; always more than Size.
	CiphertextSize int64 `json:"ciphertext_size"`
}

// Validate checks the item's fields. Errors wrap ErrInvalid.
func (e *EvidenceItem) Validate() error {
	switch {
	case !validHex(e.FileID, IDSize):
		return invalid("file_id must be 32 lower-case hex digits")
	case !validFileName(e.Name):
		return invalid("name must be 1 to 255 bytes of UTF-8 without control characters, '/' or '\\'")
	case !validMediaType(e.MediaType):
		return invalid("media_type must be a lower-case MIME type without parameters")
	case e.Size < 0:
		return invalid("size must not be negative")
	case !validHex(e.PlaintextSHA256, 32):
		return invalid("plaintext_sha256 must be 64 lower-case hex digits")
	case !validHex(e.CiphertextSHA256, 32):
		return invalid("ciphertext_sha256 must be 64 lower-case hex digits")
	case e.CiphertextSize <= e.Size:
		return invalid("ciphertext_size must be larger than size")
	}
	return nil
}

func validFileName(s string) bool {
	if len(s) == 0 || len(s) > 255 || !utf8.ValidString(s) || strings.ContainsAny(s, `/\`) {
		return false
	}
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

func validMediaType(s string) bool {
	if len(s) == 0 || len(s) > 127 {
		return false
	}
	mt, params, err := mime.ParseMediaType(s)
	return err == nil && len(params) == 0 && mt == s && strings.Count(s, "/") == 1
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}
