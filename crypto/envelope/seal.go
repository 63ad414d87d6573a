package envelope

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"
)

// MaxHeaderSize is the part of MaxCiphertextSize allowed for the age header:
// 256 KiB, room for about 160 hybrid (ML-KEM-768 + X25519) recipient stanzas
// of about 1.6 KB each, or thousands of X25519 ones.
const MaxHeaderSize = 256 << 10

// age's payload: a 16-byte nonce, then 64 KiB chunks each with a 16-byte tag.
const (
	ageNonceSize = 16
	ageChunkSize = 64 << 10
	ageTagSize   = 16
)

// MaxCiphertextSize returns the size above which Open refuses an envelope of
// kind k without decrypting it: MaxHeaderSize plus the age payload of the
// kind's largest frame. It returns 0 for an unknown kind. A server may use it
// to refuse oversized uploads.
func (k Kind) MaxCiphertextSize() int {
	if !k.Known() {
		return 0
	}
	f := k.MaxFrameSize()
	chunks := (f + ageChunkSize - 1) / ageChunkSize
	return MaxHeaderSize + ageNonceSize + f + chunks*ageTagSize
}

// Errors of Seal and Open.
var (
	ErrNoRecipients   = errors.New("envelope: no recipient to seal to")
	ErrCiphertextSize = errors.New("envelope: ciphertext larger than its kind allows")
	// ErrNoIdentity: the envelope is an age file, but none of the identities
	// given opens it.
	ErrNoIdentity = errors.New("envelope: none of the identities given opens this envelope")
	// ErrDamaged: the envelope is not an age file, or fails authentication.
	ErrDamaged = errors.New("envelope: damaged envelope (not a valid age file)")
	// ErrWrongKind: the envelope opens, but holds another kind of frame than
	// the one asked for.
	ErrWrongKind = errors.New("envelope: envelope holds another kind of content")
)

// Seal frames payload as kind and encrypts the frame with age to the
// recipients. The result is one age file.
func Seal(kind Kind, payload []byte, recipients ...age.Recipient) ([]byte, error) {
	if len(recipients) == 0 {
		return nil, ErrNoRecipients
	}
	frame, err := Frame(kind, payload)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w, err := age.Encrypt(&out, recipients...)
	if err != nil {
		return nil, fmt.Errorf("envelope: cannot encrypt: %w", err)
	}
	if _, err := w.Write(frame); err != nil {
		return nil, fmt.Errorf("envelope: cannot encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("envelope: cannot encrypt: %w", err)
	}
	return out.Bytes(), nil
}

// Open decrypts an envelope with the first identity that opens it, checks
// the frame and returns its payload. It refuses a ciphertext larger than
// want.MaxCiphertextSize() before decrypting, and a frame of another kind
// than want (ErrWrongKind). Open authenticates nothing about who sealed the
// envelope; see the package documentation.
func Open(ciphertext []byte, want Kind, identities ...age.Identity) ([]byte, error) {
	if !want.Known() {
		return nil, ErrKind
	}
	if len(ciphertext) > want.MaxCiphertextSize() {
		return nil, fmt.Errorf("%w (%s envelope of %d bytes, at most %d)", ErrCiphertextSize, want, len(ciphertext), want.MaxCiphertextSize())
	}
	if len(identities) == 0 {
		return nil, ErrNoIdentity
	}
	r, err := age.Decrypt(bytes.NewReader(ciphertext), identities...)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, ErrNoIdentity
		}
		return nil, ErrDamaged
	}
	frame, err := io.ReadAll(io.LimitReader(r, int64(want.MaxFrameSize())+1))
	if err != nil {
		return nil, ErrDamaged
	}
	if len(frame) > want.MaxFrameSize() {
		return nil, fmt.Errorf("%w (more than %d bytes for a %s)", ErrTooLarge, want.MaxFrameSize(), want)
	}
	kind, payload, err := Unframe(frame)
	if err != nil {
		return nil, err
	}
	if kind != want {
		return nil, fmt.Errorf("%w (want %s, got %s)", ErrWrongKind, want, kind)
	}
	return payload, nil
}
