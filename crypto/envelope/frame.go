package envelope

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Kind says what a frame holds. It is inside the encryption, so the server
// never sees it.
type Kind byte

const (
	KindReport          Kind = 1 // a report (JSON, schema "lanterne-report/1")
	KindIdentity        Kind = 2 // the reporter's identity (JSON), sealed to the identity key
	KindMessage         Kind = 3 // a message of the follow-up conversation (JSON)
	KindNote            Kind = 4 // a staff-only note, orientation or action plan (JSON)
	KindIdentityRelease Kind = 5 // the identity key's secret string, sealed to the case key
	KindInvitation      Kind = 6 // a witness invitation (JSON)
)

// Frame layout and bucket bounds.
const (
	// Magic opens every frame; the "1" is the frame format version.
	Magic = "LNT1"
	// HeaderSize is the size of magic, kind and length.
	HeaderSize = len(Magic) + 1 + 4
	// MinFrameSize is the smallest bucket (1 KiB).
	MinFrameSize = 1 << 10
	// MaxFrameSize is the largest bucket (4 MiB). No kind of this version
	// uses the 2 MiB and 4 MiB buckets; they are reserved.
	MaxFrameSize = 4 << 20
)

// maxFrame is each kind's largest frame. The payload maximum is this minus
// HeaderSize, so that a payload at its maximum fills a bucket exactly.
var maxFrame = [...]int{
	KindReport:          1 << 20,
	KindIdentity:        16 << 10,
	KindMessage:         64 << 10,
	KindNote:            256 << 10,
	KindIdentityRelease: 4 << 10,
	KindInvitation:      16 << 10,
}

var kindNames = [...]string{
	KindReport:          "report",
	KindIdentity:        "identity",
	KindMessage:         "message",
	KindNote:            "note",
	KindIdentityRelease: "identity-release",
	KindInvitation:      "invitation",
}

// Known reports whether k is one of the six kinds of this version.
func (k Kind) Known() bool { return k >= KindReport && k <= KindInvitation }

// String returns the kind's name ("report", "message", …).
func (k Kind) String() string {
	if !k.Known() {
		return fmt.Sprintf("kind(%d)", byte(k))
	}
	return kindNames[k]
}

// MaxFrameSize returns the largest frame of kind k (a bucket size), or 0 for
// an unknown kind.
func (k Kind) MaxFrameSize() int {
	if !k.Known() {
		return 0
	}
	return maxFrame[k]
}

// MaxPayload returns the largest payload of kind k, or 0 for an unknown kind.
func (k Kind) MaxPayload() int {
	if !k.Known() {
		return 0
	}
	return maxFrame[k] - HeaderSize
}

// Errors of Frame and Unframe. Each refusal has its own error, tested with
// errors.Is.
var (
	ErrFrameSize  = errors.New("envelope: frame size is not a bucket size")
	ErrMagic      = errors.New("envelope: not a Lanterne frame (wrong magic)")
	ErrKind       = errors.New("envelope: unknown frame kind")
	ErrTooLarge   = errors.New("envelope: frame larger than its kind allows")
	ErrLength     = errors.New("envelope: payload length runs past the end of the frame")
	ErrPadding    = errors.New("envelope: non-zero padding")
	ErrNotMinimal = errors.New("envelope: frame padded beyond the smallest bucket")
)

// Bucket returns the size of the frame that carries an n-byte payload: the
// smallest power of two from MinFrameSize up that holds HeaderSize+n bytes.
// It returns -1 when n is negative or HeaderSize+n exceeds MaxFrameSize.
func Bucket(n int) int {
	if n < 0 || n > MaxFrameSize-HeaderSize {
		return -1
	}
	b := MinFrameSize
	for b < HeaderSize+n {
		b <<= 1
	}
	return b
}

// isBucket reports whether size is one of the bucket sizes.
func isBucket(size int) bool {
	return size >= MinFrameSize && size <= MaxFrameSize && size&(size-1) == 0
}

// Frame returns the padded frame of payload. It fails with ErrKind for an
// unknown kind and ErrTooLarge when payload exceeds kind.MaxPayload().
func Frame(kind Kind, payload []byte) ([]byte, error) {
	if !kind.Known() {
		return nil, ErrKind
	}
	if len(payload) > kind.MaxPayload() {
		return nil, fmt.Errorf("%w (%s payload of %d bytes, at most %d)", ErrTooLarge, kind, len(payload), kind.MaxPayload())
	}
	f := make([]byte, Bucket(len(payload)))
	copy(f, Magic)
	f[len(Magic)] = byte(kind)
	binary.BigEndian.PutUint32(f[len(Magic)+1:], uint32(len(payload)))
	copy(f[HeaderSize:], payload)
	return f, nil
}

// Unframe checks a frame and returns its kind and payload (a sub-slice of b).
// It accepts only what Frame returns; see the package promises for the
// refusals, checked in this order: size, magic, kind, kind maximum, length,
// padding, minimality.
func Unframe(b []byte) (Kind, []byte, error) {
	if !isBucket(len(b)) {
		return 0, nil, ErrFrameSize
	}
	if string(b[:len(Magic)]) != Magic {
		return 0, nil, ErrMagic
	}
	kind := Kind(b[len(Magic)])
	if !kind.Known() {
		return 0, nil, ErrKind
	}
	if len(b) > kind.MaxFrameSize() {
		return 0, nil, fmt.Errorf("%w (%s frame of %d bytes, at most %d)", ErrTooLarge, kind, len(b), kind.MaxFrameSize())
	}
	n := binary.BigEndian.Uint32(b[len(Magic)+1:])
	if uint64(n) > uint64(len(b)-HeaderSize) {
		return 0, nil, ErrLength
	}
	end := HeaderSize + int(n)
	if !allZero(b[end:]) {
		return 0, nil, ErrPadding
	}
	if Bucket(int(n)) != len(b) {
		return 0, nil, ErrNotMinimal
	}
	return kind, b[HeaderSize:end:end], nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
