package casekey

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lanterne/lanterne/crypto/agekey"
)

func seedIdentity(t testing.TB, kind agekey.Kind, b byte) *agekey.Identity {
	id, err := agekey.FromSeed(kind, bytes.Repeat([]byte{b}, agekey.SeedSize))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// FuzzUnwrapPlaintext feeds the decoder of decrypted wraps. Whatever it
// accepts must be exactly what marshal writes for the result, and its errors
// must never echo the input.
func FuzzUnwrapPlaintext(f *testing.F) {
	hybrid := seedIdentity(f, agekey.Hybrid, 1).String()
	classic := seedIdentity(f, agekey.X25519, 2).String()
	good := binding{caseID: "6b1e5f0c2d7a48e39f10a2b4c6d8e0f1", role: RoleCase, generation: 1, secret: hybrid}
	f.Add(good.marshal())
	f.Add(binding{caseID: "x", role: RoleStaff, generation: 4294967295, secret: classic}.marshal())
	f.Add(append(good.marshal(), '\n'))
	f.Add([]byte(strings.Replace(string(good.marshal()), "\n1\n", "\n01\n", 1)))
	f.Add([]byte(strings.Replace(string(good.marshal()), "\n1\n", "\n4294967296\n", 1)))
	f.Add([]byte(strings.Replace(string(good.marshal()), "case\n", "admin\n", 1)))
	f.Add([]byte(strings.ToLower(string(good.marshal()))))
	f.Add([]byte("lanterne/v1/case-key\n\ncase\n1\n" + classic))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, p []byte) {
		b, id, err := parsePlaintext(p)
		if err != nil {
			if err != errMalformed {
				t.Fatalf("unexpected error type %v", err)
			}
			return
		}
		if !bytes.Equal(b.marshal(), p) {
			t.Fatalf("accepted a non-canonical plaintext")
		}
		if id.String() != b.secret || !validCaseID(b.caseID) || !b.role.valid() || b.generation == 0 {
			t.Fatalf("accepted an invalid binding")
		}
	})
}

func TestParsePlaintext(t *testing.T) {
	secret := seedIdentity(t, agekey.Hybrid, 1).String()
	good := "lanterne/v1/case-key\n6b1e5f0c2d7a48e39f10a2b4c6d8e0f1\ncase\n1\n" + secret
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"canonical", good, true},
		{"staff, large generation", "lanterne/v1/case-key\nabc\nstaff\n4294967295\n" + secret, true},
		{"trailing newline", good + "\n", false},
		{"CRLF", strings.ReplaceAll(good, "\n", "\r\n"), false},
		{"other label", strings.Replace(good, "case-key", "case-kez", 1), false},
		{"empty case id", "lanterne/v1/case-key\n\ncase\n1\n" + secret, false},
		{"space in case id", "lanterne/v1/case-key\na b\ncase\n1\n" + secret, false},
		{"case id of 129 bytes", "lanterne/v1/case-key\n" + strings.Repeat("a", 129) + "\ncase\n1\n" + secret, false},
		{"unknown role", strings.Replace(good, "\ncase\n", "\nCase\n", 1), false},
		{"generation 0", strings.Replace(good, "\n1\n", "\n0\n", 1), false},
		{"leading zero", strings.Replace(good, "\n1\n", "\n01\n", 1), false},
		{"plus sign", strings.Replace(good, "\n1\n", "\n+1\n", 1), false},
		{"generation overflows", strings.Replace(good, "\n1\n", "\n4294967296\n", 1), false},
		{"lowercase secret", strings.Replace(good, secret, strings.ToLower(secret), 1), false},
		{"secret with space", good + " ", false},
		{"recipient instead of secret", strings.Replace(good, secret, seedIdentity(t, agekey.X25519, 1).Recipient().String(), 1), false},
		{"too long", good + strings.Repeat("A", maxPlaintextLen), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := parsePlaintext([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
		})
	}
}
