package envelope

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"unicode/utf8"

	"github.com/lanterne/lanterne/crypto/directory"
)

// ErrInvalid is wrapped by every error about content that is well-formed
// JSON but breaks a rule of its schema (an unknown category, a missing
// field, a message kind its author may not send…). The error names the
// field, never its value.
var ErrInvalid = errors.New("envelope: invalid content")

// IDSize is the size in bytes of message, note and file ids (shown as 32
// lower-case hex digits), and of the case lookup id.
const IDSize = 16

// NewID returns 16 bytes from crypto/rand as 32 lower-case hex digits: the
// form of message, note and evidence file ids.
func NewID() string {
	b := make([]byte, IDSize)
	rand.Read(b) // never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// Author values other than a referent id.
const (
	AuthorReporter = "reporter" // the person who made the report (or the witness)
	AuthorVictim   = "victim"   // the presumed victim, in a victim thread
)

// isParty reports whether author is the reporter or the victim: the people
// who have no signing key.
func isParty(author string) bool { return author == AuthorReporter || author == AuthorVictim }

// validHex reports whether s is exactly n bytes as lower-case hex.
func validHex(s string, n int) bool {
	if len(s) != 2*n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// validReferentID reports whether s is a referent id of the directory's
// pattern (directory.ValidReferentID), which excludes the party authors.
func validReferentID(s string) bool { return directory.ValidReferentID(s) }

// validOrgID reports whether s matches [a-z0-9][a-z0-9-]{0,62}.
func validOrgID(s string) bool { return directory.ValidOrgID(s) }

// validText reports whether s is valid UTF-8 of at most max bytes. Free text
// may hold newlines and tabs; encoding/json would silently replace invalid
// UTF-8, so it is refused instead.
func validText(s string, max int) bool { return len(s) <= max && utf8.ValidString(s) }
