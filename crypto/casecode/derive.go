package casecode

import (
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// The Argon2id parameters of the protocol (RFC 9106, second recommended
// option). Changing any of them changes every derived secret.
const (
	Argon2Time      = 3         // passes
	Argon2MemoryKiB = 64 * 1024 // 64 MiB
	Argon2Threads   = 4         // lanes
	Argon2KeyLength = 32        // bytes of master secret
)

// Labels that enter the derivation.
const (
	argon2SaltPrefix = "lanterne/v1/case-code/"
	authHashPrefix   = "lanterne/v1/auth-hash"

	labelLookupID         = "lookup-id"
	labelAuthSecret       = "auth-secret"
	labelReporterIdentity = "reporter-identity"
	labelIdentityKey      = "identity-key"
)

// Sizes of the derived secrets.
const (
	LookupIDSize   = 16
	AuthSecretSize = 32
)

// Params are Argon2id parameters. Derive always uses ProtocolParams; the type
// exists so documentation and benchmarks can show them.
type Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory in KiB
	Threads   uint8  // lanes
	KeyLength uint32 // output bytes
}

// ProtocolParams returns the Argon2id parameters Derive uses.
func ProtocolParams() Params {
	return Params{Time: Argon2Time, MemoryKiB: Argon2MemoryKiB, Threads: Argon2Threads, KeyLength: Argon2KeyLength}
}

func (p Params) String() string {
	return fmt.Sprintf("Argon2id t=%d m=%d KiB p=%d len=%d", p.Time, p.MemoryKiB, p.Threads, p.KeyLength)
}

// Purpose says what a code is for. The same code derives unrelated secrets
// for different purposes.
type Purpose string

const (
	// PurposeCase is a reporter's case code.
	PurposeCase Purpose = "case"
	// PurposeInvitation is a witness's invitation code.
	PurposeInvitation Purpose = "invitation"
)

var (
	// ErrOrgID is returned by Derive for an organisation id that ValidOrgID refuses.
	ErrOrgID = errors.New("casecode: invalid organisation id (want 1 to 63 characters a-z, 0-9, '-', not starting with '-')")
	// ErrPurpose is returned by Derive for a Purpose other than PurposeCase and PurposeInvitation.
	ErrPurpose = errors.New("casecode: unknown purpose")
)

// Secrets are what a code gives, for one organisation and one purpose.
// All of it is secret except LookupID, which the server sees.
type Secrets struct {
	// LookupID is the server's routing key for the case.
	LookupID [LookupIDSize]byte
	// AuthSecret proves knowledge of the code to the server, which stores
	// only AuthHash(AuthSecret).
	AuthSecret [AuthSecretSize]byte
	// ReporterIdentity is the reporter's age identity (a reader of the case).
	ReporterIdentity *agekey.Identity
	// IdentityKey is the age identity that seals the identity envelope.
	IdentityKey *agekey.Identity
}

// LookupIDHex returns the lookup id as lower-case hex, as sent to the server.
func (s *Secrets) LookupIDHex() string { return hex.EncodeToString(s.LookupID[:]) }

// Derive computes the secrets of code c for organisation orgID and purpose:
//
//	master = Argon2id(c.Canonical(), "lanterne/v1/case-code/" || orgID, ProtocolParams())
//	secret = HKDF-SHA-256(ikm=master, salt=orgID, info="lanterne/v1/" || purpose || "/" || label)
//
// It takes 64 MiB of memory and, on purpose, a noticeable time (see the
// package benchmarks).
func Derive(orgID string, purpose Purpose, c Code) (*Secrets, error) {
	return derive(orgID, purpose, c, ProtocolParams())
}

// derive is Derive with chosen Argon2id parameters, so that tests can run
// cheaply; production code has no way to choose them.
func derive(orgID string, purpose Purpose, c Code, p Params) (*Secrets, error) {
	if !ValidOrgID(orgID) {
		return nil, ErrOrgID
	}
	if purpose != PurposeCase && purpose != PurposeInvitation {
		return nil, ErrPurpose
	}
	if c.IsZero() {
		return nil, errZeroCode
	}
	master := argon2.IDKey([]byte(c.canonical), []byte(argon2SaltPrefix+orgID), p.Time, p.MemoryKiB, p.Threads, p.KeyLength)
	defer clear(master)

	expand := func(label string, n int) ([]byte, error) {
		return hkdf.Key(sha256.New, master, []byte(orgID), "lanterne/v1/"+string(purpose)+"/"+label, n)
	}
	s := new(Secrets)
	lookup, err := expand(labelLookupID, LookupIDSize)
	if err != nil {
		return nil, err
	}
	copy(s.LookupID[:], lookup)
	auth, err := expand(labelAuthSecret, AuthSecretSize)
	if err != nil {
		return nil, err
	}
	copy(s.AuthSecret[:], auth)
	clear(auth)
	if s.ReporterIdentity, err = identity(expand, labelReporterIdentity); err != nil {
		return nil, err
	}
	if s.IdentityKey, err = identity(expand, labelIdentityKey); err != nil {
		return nil, err
	}
	return s, nil
}

// identity derives a 32-byte seed under label and makes the hybrid age
// identity it determines.
func identity(expand func(string, int) ([]byte, error), label string) (*agekey.Identity, error) {
	seed, err := expand(label, agekey.SeedSize)
	if err != nil {
		return nil, err
	}
	defer clear(seed)
	return agekey.FromSeed(agekey.Hybrid, seed)
}

// AuthHash is what the server stores for an auth secret:
// SHA-256("lanterne/v1/auth-hash" || secret).
func AuthHash(secret []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(authHashPrefix))
	h.Write(secret)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// CheckAuth reports, in constant time, whether secret hashes to hash.
func CheckAuth(hash [32]byte, secret []byte) bool {
	got := AuthHash(secret)
	return subtle.ConstantTimeCompare(got[:], hash[:]) == 1
}
