package server

import (
	"net/http"

	"github.com/lanterne/lanterne/store"
)

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// validLookupID: 32 lowercase hex characters (16 bytes).
func validLookupID(s string) bool { return isLowerHex(s, 32) }

// validFileID: 32 lowercase hex characters (16 random bytes).
func validFileID(s string) bool { return isLowerHex(s, 32) }

// checkCiphertext refuses a missing (400), oversized (413) or non-age
// (422) ciphertext, naming the field.
func checkCiphertext(field string, b []byte, limit int) error {
	switch {
	case len(b) == 0:
		return errorf(http.StatusBadRequest, "field %q is missing", field)
	case len(b) > limit:
		return errorf(http.StatusRequestEntityTooLarge, "field %q is larger than %d bytes", field, limit)
	case !store.IsAgeFile(b):
		return errorf(http.StatusUnprocessableEntity, "field %q is not an age ciphertext", field)
	}
	return nil
}

// optionalCiphertext is checkCiphertext for a field that may be absent.
func optionalCiphertext(field string, b []byte, limit int) error {
	if b == nil {
		return nil
	}
	return checkCiphertext(field, b, limit)
}
