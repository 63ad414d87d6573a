package store

import "errors"

// The errors every Store returns, wrapped with context; test them with
// errors.Is. Messages name what was refused (an organisation id, a lookup id,
// a file id, a chunk index) and never carry stored bytes.
var (
	// ErrNotFound: the organisation, case, blob, file, chunk or invitation
	// does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrDeleted: the case was deleted by a retention purge; only its
	// tombstone remains. errors.Is(err, ErrNotFound) also holds.
	ErrDeleted error = &deletedError{}
	// ErrExists: the value is set once and is already set with other bytes
	// (a case lookup id, a blob, a key wrap, an invitation).
	ErrExists = errors.New("store: already exists")
	// ErrConflict: a concurrent change won (a case's Version moved on), a
	// chunk index already holds other bytes, an invitation was already
	// redeemed, or a file's chunks do not match the size and SHA-256 given
	// to CompleteFile (or the file was completed with others).
	ErrConflict = errors.New("store: conflict")
	// ErrStaleVersion: a directory whose version is not above the stored one.
	ErrStaleVersion = errors.New("store: stale directory version")
	// ErrQuota: the write would take a case or an organisation over its
	// byte quota (Options.MaxCaseBytes, Options.MaxOrgBytes).
	ErrQuota = errors.New("store: quota exceeded")
	// ErrIncomplete: a file still misses chunks.
	ErrIncomplete = errors.New("store: file incomplete")
	// ErrInvalid: a malformed argument (an identifier, a date, an oversized
	// or undersized chunk, a value that is not an age ciphertext).
	ErrInvalid = errors.New("store: invalid argument")
	// ErrNewerSchema: the database was written by a newer program; this one
	// refuses to touch it.
	ErrNewerSchema = errors.New("store: database schema is newer than this program")
)

// deletedError is ErrDeleted: a distinct sentinel that is also ErrNotFound,
// so callers that only care about absence need one test.
type deletedError struct{}

func (*deletedError) Error() string        { return "store: case deleted (tombstone)" }
func (*deletedError) Is(target error) bool { return target == ErrNotFound }
