package casecode

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// cheap are Argon2id parameters for tests that exercise everything but the
// cost; TestDeriveProtocolParams and the examples run the real ones.
var cheap = Params{Time: 1, MemoryKiB: 64, Threads: 1, KeyLength: 32}

func mustParse(t testing.TB, s string) Code {
	t.Helper()
	c, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// outputs lists a Secrets' four outputs as bytes, for comparisons.
func outputs(s *Secrets) map[string][]byte {
	return map[string][]byte{
		"lookup id":         s.LookupID[:],
		"auth secret":       s.AuthSecret[:],
		"reporter identity": []byte(s.ReporterIdentity.String()),
		"identity key":      []byte(s.IdentityKey.String()),
	}
}

// checkDerivation asserts determinism, pairwise distinct outputs, and
// domain separation by organisation, by purpose and by code, with params p.
func checkDerivation(t *testing.T, p Params) {
	code := mustParse(t, "7QM2DX-9HRT4P-3VNW84")
	other := mustParse(t, mustCode(t, "7QM2DX9HRT4P3VNW9"))
	base, err := derive("demo-org", PurposeCase, code, p)
	if err != nil {
		t.Fatal(err)
	}
	again, err := derive("demo-org", PurposeCase, code, p)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range outputs(base) {
		if !bytes.Equal(b, outputs(again)[name]) {
			t.Errorf("%s differs between two derivations of the same inputs", name)
		}
	}
	if base.ReporterIdentity.Kind() != agekey.Hybrid || base.IdentityKey.Kind() != agekey.Hybrid {
		t.Errorf("identities are %s and %s, want hybrid", base.ReporterIdentity.Kind(), base.IdentityKey.Kind())
	}
	outs := outputs(base)
	for a, x := range outs {
		for b, y := range outs {
			n := min(len(x), len(y))
			if a < b && bytes.Equal(x[:n], y[:n]) {
				t.Errorf("%s and %s are equal", a, b)
			}
		}
	}
	if bytes.Equal(base.LookupID[:], base.AuthSecret[:LookupIDSize]) {
		t.Error("lookup id is a prefix of the auth secret")
	}
	for _, v := range []struct {
		name    string
		org     string
		purpose Purpose
		code    Code
	}{
		{"another organisation", "demo-org2", PurposeCase, code},
		{"another purpose", "demo-org", PurposeInvitation, code},
		{"another code", "demo-org", PurposeCase, other},
	} {
		s, err := derive(v.org, v.purpose, v.code, p)
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range outputs(s) {
			if bytes.Equal(b, outs[name]) {
				t.Errorf("%s: %s is unchanged", v.name, name)
			}
		}
	}
}

func TestDeriveCheapParams(t *testing.T) { checkDerivation(t, cheap) }

func TestDeriveProtocolParams(t *testing.T) {
	checkDerivation(t, ProtocolParams())
}

// The worked example of docs/protocol.md §3.7, with the protocol's parameters. The values
// were cross-checked with an independent Argon2id/HKDF implementation
// (Python cryptography 48).
func TestDeriveVector(t *testing.T) {
	code := mustParse(t, "7QM2DX-9HRT4P-3VNW84")
	for _, v := range []struct {
		purpose                        Purpose
		lookupID, authSHA256, authHash string
	}{
		{PurposeCase, "b5d9c895ee1bd30f379beee51d34b38d",
			"5ea3cf43da90cec0423f17a2b9c3d3ed35b0979157d4cb0b4969096e4749ead9",
			"4207ca2cc0fdf0e7db059f405a681e5b7339b1c40bead9fa790929862d8c4c27"},
		{PurposeInvitation, "88e1ff75d9b9fc6200d03ffbf899aac3",
			"3f515d6e67c3e67343cb44bb187b5bd392f47cc11d05ac9491ca127a301fc6bf",
			"3aaac24f9b82de9cd038439202539c34171f44914ece6d1e7445b83f56ccd1ee"},
	} {
		s, err := Derive("demo-org", v.purpose, code)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.LookupIDHex(); got != v.lookupID {
			t.Errorf("%s: lookup id %s, want %s", v.purpose, got, v.lookupID)
		}
		sum := sha256.Sum256(s.AuthSecret[:])
		if got := hex.EncodeToString(sum[:]); got != v.authSHA256 {
			t.Errorf("%s: SHA-256(auth secret) %s, want %s", v.purpose, got, v.authSHA256)
		}
		h := AuthHash(s.AuthSecret[:])
		if got := hex.EncodeToString(h[:]); got != v.authHash {
			t.Errorf("%s: AuthHash %s, want %s", v.purpose, got, v.authHash)
		}
	}
}

// derive must compute exactly the formula of docs/protocol.md §3.6,
// spelled out here step by step.
func TestDeriveFollowsTheFormula(t *testing.T) {
	code := mustParse(t, "7qm2dx 9hrt4p 3vnw84")
	s, err := derive("org-1", PurposeInvitation, code, cheap)
	if err != nil {
		t.Fatal(err)
	}
	master := argon2.IDKey([]byte("7QM2DX9HRT4P3VNW84"), []byte("lanterne/v1/case-code/org-1"), 1, 64, 1, 32)
	key := func(label string, n int) []byte {
		k, err := hkdf.Key(sha256.New, master, []byte("org-1"), "lanterne/v1/invitation/"+label, n)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	if !bytes.Equal(s.LookupID[:], key("lookup-id", 16)) {
		t.Error("lookup id does not follow the formula")
	}
	if !bytes.Equal(s.AuthSecret[:], key("auth-secret", 32)) {
		t.Error("auth secret does not follow the formula")
	}
	for label, id := range map[string]*agekey.Identity{"reporter-identity": s.ReporterIdentity, "identity-key": s.IdentityKey} {
		want, err := agekey.FromSeed(agekey.Hybrid, key(label, 32))
		if err != nil {
			t.Fatal(err)
		}
		if id.String() != want.String() {
			t.Errorf("%s does not follow the formula", label)
		}
	}
}

func TestDeriveRejects(t *testing.T) {
	code := mustParse(t, "7QM2DX-9HRT4P-3VNW84")
	tests := []struct {
		name    string
		org     string
		purpose Purpose
		code    Code
		want    error
	}{
		{"empty org", "", PurposeCase, code, ErrOrgID},
		{"upper-case org", "Demo-org", PurposeCase, code, ErrOrgID},
		{"org with slash", "demo/org", PurposeCase, code, ErrOrgID},
		{"unknown purpose", "demo-org", "witness", code, ErrPurpose},
		{"empty purpose", "demo-org", "", code, ErrPurpose},
		{"zero code", "demo-org", PurposeCase, Code{}, errZeroCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Derive(tt.org, tt.purpose, tt.code)
			if !errors.Is(err, tt.want) || s != nil {
				t.Errorf("Derive = %v, %v; want %v", s, err, tt.want)
			}
		})
	}
}

func TestValidOrgID(t *testing.T) {
	long := "a123456789012345678901234567890123456789012345678901234567890-z" // 63
	tests := []struct {
		id   string
		want bool
	}{
		{"demo-org", true},
		{"a", true},
		{"0", true},
		{"cdg-69", true},
		{"a-", true},
		{long, true},
		{long + "x", false},
		{"", false},
		{"-a", false},
		{"Demo", false},
		{"demo org", false},
		{"demo_org", false},
		{"démo", false},
		{"demo.org", false},
		{"demo\n", false},
	}
	for _, tt := range tests {
		if got := ValidOrgID(tt.id); got != tt.want {
			t.Errorf("ValidOrgID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestAuthHash(t *testing.T) {
	secret := bytes.Repeat([]byte{0x42}, 32)
	want := sha256.Sum256(append([]byte("lanterne/v1/auth-hash"), secret...))
	h := AuthHash(secret)
	if h != want {
		t.Fatalf("AuthHash = %x, want SHA-256(label || secret) = %x", h, want)
	}
	if h == sha256.Sum256(secret) {
		t.Error("AuthHash is the unlabelled SHA-256")
	}
	flipped := bytes.Clone(secret)
	flipped[31] ^= 1
	tests := []struct {
		name   string
		secret []byte
		want   bool
	}{
		{"right secret", secret, true},
		{"one bit flipped", flipped, false},
		{"truncated", secret[:31], false},
		{"empty", nil, false},
		{"the hash itself", h[:], false},
	}
	for _, tt := range tests {
		if got := CheckAuth(h, tt.secret); got != tt.want {
			t.Errorf("%s: CheckAuth = %v, want %v", tt.name, got, tt.want)
		}
	}
}
