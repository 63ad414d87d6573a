package casekey

import (
	"errors"
	"strconv"
	"strings"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// wrapLabel is the first line of every wrap plaintext.
const wrapLabel = "lanterne/v1/case-key"

// maxCaseIDLen bounds the case id a wrap can be bound to.
const maxCaseIDLen = 128

// maxPlaintextLen bounds the decrypted wrap a reader accepts. The longest
// valid plaintext (128-byte case id, role "staff", generation 4294967295,
// hybrid secret key) is under 250 bytes.
const maxPlaintextLen = 1024

// errMalformed is the parse error of a wrap plaintext. It never contains any
// part of the plaintext, which holds a secret key.
var errMalformed = errors.New("casekey: malformed wrap plaintext")

// binding is what a wrap plaintext says.
type binding struct {
	caseID     string
	role       Role
	generation uint32
	secret     string
}

// validCaseID reports whether s can be bound into a wrap: 1 to 128 bytes of
// visible ASCII (0x21 to 0x7E), so it holds no line break or space.
func validCaseID(s string) bool {
	if len(s) == 0 || len(s) > maxCaseIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// marshal returns the wrap plaintext:
//
//	"lanterne/v1/case-key" LF case-id LF role LF generation LF secret-key
//
// with the generation in decimal without leading zeros and no final LF.
func (b binding) marshal() []byte {
	s := wrapLabel + "\n" + b.caseID + "\n" + string(b.role) + "\n" +
		strconv.FormatUint(uint64(b.generation), 10) + "\n" + b.secret
	return []byte(s)
}

// parsePlaintext decodes a decrypted wrap. It accepts only the exact bytes
// marshal produces: the label, a valid case id, a known role, a canonical
// non-zero generation and an age secret key in its canonical form.
func parsePlaintext(p []byte) (binding, *agekey.Identity, error) {
	if len(p) > maxPlaintextLen {
		return binding{}, nil, errMalformed
	}
	f := strings.Split(string(p), "\n")
	if len(f) != 5 || f[0] != wrapLabel {
		return binding{}, nil, errMalformed
	}
	b := binding{caseID: f[1], role: Role(f[2]), secret: f[4]}
	if !validCaseID(b.caseID) || !b.role.valid() {
		return binding{}, nil, errMalformed
	}
	g, err := strconv.ParseUint(f[3], 10, 32)
	if err != nil || g == 0 || strconv.FormatUint(g, 10) != f[3] {
		return binding{}, nil, errMalformed
	}
	b.generation = uint32(g)
	id, err := agekey.ParseIdentity(b.secret)
	if err != nil || id.String() != b.secret {
		return binding{}, nil, errMalformed
	}
	return b, id, nil
}
