package directory

import "errors"

// The errors Verify returns. Each is a sentinel that callers match with
// errors.Is and translate for the user; the wrapped text after it is detail
// for logs. None of them ever contains key material.
var (
	// ErrMalformed: the bytes are not a well-formed signed directory.
	ErrMalformed = errors.New("directory: the directory is malformed")
	// ErrBadSignature: the directory is unsigned, or its signature does not
	// verify with the last key of its chain.
	ErrBadSignature = errors.New("directory: the directory's signature is missing or invalid")
	// ErrWrongOrganisation: the directory's root key and organisation id do
	// not match the pinned fingerprint.
	ErrWrongOrganisation = errors.New("directory: the directory belongs to another organisation (fingerprint mismatch)")
	// ErrBrokenChain: a key of the chain is not endorsed by the key before it.
	ErrBrokenChain = errors.New("directory: the organisation's key chain is broken")
	// ErrExpired: now is at or after the directory's expires_at.
	ErrExpired = errors.New("directory: the directory has expired")
	// ErrNotYetValid: the directory's issued_at is more than ClockSkew
	// after now (the device clock may be wrong).
	ErrNotYetValid = errors.New("directory: the directory is not valid yet (check the device clock)")
	// ErrRollback: the directory's version is lower than one already seen.
	ErrRollback = errors.New("directory: the directory is older than one already seen (rollback)")
	// ErrInvalidFingerprint: a fingerprint typed or stored is not 20
	// Crockford base32 symbols.
	ErrInvalidFingerprint = errors.New("directory: not a valid fingerprint (20 characters such as K7QM-2DX9-HRT4-P3VN-W8KE)")
)
