package casekey

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// Wrap is one key generation encrypted to one reader. Reader, Role and
// Generation are routing metadata that anyone, the server included, can
// change; Unwrap trusts only the copy of Role and Generation inside the
// ciphertext and refuses a wrap whose metadata disagrees with it.
type Wrap struct {
	// Reader is Reporter, Victim or a referent id.
	Reader     string `json:"reader"`
	Role       Role   `json:"role"`
	Generation uint32 `json:"generation"`
	// Ciphertext is a plain age file (one recipient stanza) whose plaintext
	// is the binding described in docs/protocol.md §6.2.
	Ciphertext []byte `json:"ciphertext"`
}

// Errors of WrapFor and Unwrap. None of them ever carries key material.
var (
	// ErrNotReader: none of the identities given opens the wrap.
	ErrNotReader = errors.New("casekey: none of the identities given opens this wrap")
	// ErrDamaged: the wrap is not a valid age file, or its payload fails
	// authentication.
	ErrDamaged = errors.New("casekey: damaged wrap")
	// ErrMalformed: the wrap decrypts but its plaintext is not a binding.
	ErrMalformed = errMalformed
	// ErrBinding: the wrap decrypts to a key of another case, role or
	// generation than the one it is presented as.
	ErrBinding = errors.New("casekey: wrap is bound to another case, role or generation")
	// ErrStaffToReporter: the staff key is never wrapped to the reporter or
	// the victim.
	ErrStaffToReporter = errors.New("casekey: the staff key is never wrapped to the reporter or the victim")
	// ErrClassicRecipient: a hybrid (post-quantum) key is never wrapped to a
	// classic recipient, which would make it only as strong as X25519.
	ErrClassicRecipient = errors.New("casekey: a post-quantum key cannot be wrapped to a classic (X25519) recipient")
	// ErrCaseID: the case id is empty, longer than 128 bytes, or holds a
	// byte outside visible ASCII.
	ErrCaseID = errors.New("casekey: invalid case id (want 1 to 128 visible ASCII characters)")
)

// WrapFor encrypts the key to one reader, bound to caseID. reader is
// Reporter, Victim or a referent id; the staff key is refused for Reporter and
// Victim, and a hybrid key is refused for a recipient that is not
// post-quantum (age's "postquantum" label).
func (k *Key) WrapFor(caseID, reader string, r age.Recipient) (Wrap, error) {
	if !validCaseID(caseID) {
		return Wrap{}, ErrCaseID
	}
	if k.id == nil {
		return Wrap{}, errors.New("casekey: key has no identity (make keys with New or Unwrap)")
	}
	if !k.Role.valid() {
		return Wrap{}, ErrRole
	}
	if k.Generation == 0 {
		return Wrap{}, errors.New("casekey: key has generation 0")
	}
	if reader == "" {
		return Wrap{}, errors.New("casekey: empty reader")
	}
	if k.Role == RoleStaff && isReporter(reader) {
		return Wrap{}, ErrStaffToReporter
	}
	if r == nil {
		return Wrap{}, errors.New("casekey: nil recipient")
	}
	rec := &labelRecorder{r: r}
	var out bytes.Buffer
	w, err := age.Encrypt(&out, rec)
	if err != nil {
		return Wrap{}, fmt.Errorf("casekey: wrapping for a reader: %w", err)
	}
	// age has wrapped the file key by now; refuse before the secret is
	// written if that weakened a post-quantum key.
	if k.id.Kind() == agekey.Hybrid && !slices.Contains(rec.labels, "postquantum") {
		return Wrap{}, ErrClassicRecipient
	}
	b := binding{caseID: caseID, role: k.Role, generation: k.Generation, secret: k.id.String()}
	if _, err := w.Write(b.marshal()); err != nil {
		return Wrap{}, fmt.Errorf("casekey: wrapping for a reader: %w", err)
	}
	if err := w.Close(); err != nil {
		return Wrap{}, fmt.Errorf("casekey: wrapping for a reader: %w", err)
	}
	return Wrap{Reader: reader, Role: k.Role, Generation: k.Generation, Ciphertext: out.Bytes()}, nil
}

// Unwrap decrypts a wrap with the reader's identities and returns the key,
// after checking that the binding inside names caseID and the Role and
// Generation the wrap is presented with. It returns ErrNotReader when no
// identity opens the wrap, ErrDamaged, ErrMalformed or ErrBinding otherwise.
func Unwrap(w Wrap, caseID string, ids ...age.Identity) (*Key, error) {
	if !validCaseID(caseID) {
		return nil, ErrCaseID
	}
	if len(ids) == 0 {
		return nil, errors.New("casekey: no identity given")
	}
	r, err := age.Decrypt(bytes.NewReader(w.Ciphertext), ids...)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, ErrNotReader
		}
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	p, err := io.ReadAll(io.LimitReader(r, maxPlaintextLen+1))
	if err != nil {
		return nil, ErrDamaged
	}
	b, id, err := parsePlaintext(p)
	if err != nil {
		return nil, err
	}
	switch {
	case b.caseID != caseID:
		return nil, fmt.Errorf("%w: the case id differs", ErrBinding)
	case b.role != w.Role:
		return nil, fmt.Errorf("%w: the role differs", ErrBinding)
	case b.generation != w.Generation:
		return nil, fmt.Errorf("%w: the generation differs", ErrBinding)
	}
	return &Key{Generation: b.generation, Role: b.role, id: id}, nil
}

// labelRecorder passes a recipient through to age and records the labels it
// reports, so WrapFor can tell a post-quantum recipient from a classic one
// whatever its Go type.
type labelRecorder struct {
	r      age.Recipient
	labels []string
}

func (l *labelRecorder) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	s, _, err := l.WrapWithLabels(fileKey)
	return s, err
}

func (l *labelRecorder) WrapWithLabels(fileKey []byte) ([]*age.Stanza, []string, error) {
	if rl, ok := l.r.(age.RecipientWithLabels); ok {
		s, labels, err := rl.WrapWithLabels(fileKey)
		l.labels = labels
		return s, labels, err
	}
	s, err := l.r.Wrap(fileKey)
	return s, nil, err
}
