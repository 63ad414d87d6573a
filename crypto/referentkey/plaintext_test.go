package referentkey

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/lanterne/lanterne/crypto/agekey"
)

func fixedKey(t testing.TB, kind agekey.Kind) *Key {
	a, err := agekey.FromSeed(kind, bytes.Repeat([]byte{1}, agekey.SeedSize))
	if err != nil {
		t.Fatal(err)
	}
	return &Key{ID: "rh-martin", Age: a, Signing: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, ed25519.SeedSize))}
}

// FuzzParsePlaintext feeds the key file decoder. Whatever it accepts must be
// exactly the plaintext of the key it returns; errors are always ErrMalformed.
func FuzzParsePlaintext(f *testing.F) {
	good := string(fixedKey(f, agekey.Hybrid).plaintext())
	f.Add([]byte(good))
	f.Add(fixedKey(f, agekey.X25519).plaintext())
	f.Add([]byte(strings.TrimSuffix(good, "\n")))
	f.Add([]byte(strings.ReplaceAll(good, "\n", "\r\n")))
	f.Add([]byte(strings.Replace(good, "=\n", "\n", 1)))
	f.Add([]byte(strings.Replace(good, "rh-martin", "reporter", 1)))
	f.Add([]byte(good + "# trailing\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, p []byte) {
		k, err := ParsePlaintext(p)
		if err != nil {
			if err != ErrMalformed {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if err := k.check(); err != nil {
			t.Fatalf("accepted an invalid key: %v", err)
		}
		if !bytes.Equal(k.plaintext(), p) {
			t.Fatal("accepted a non-canonical key file")
		}
	})
}

func TestParsePlaintext(t *testing.T) {
	k := fixedKey(t, agekey.Hybrid)
	good := string(k.plaintext())
	seedLine := strings.Split(good, "\n")[2]
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"canonical", good, true},
		{"classic age key", string(fixedKey(t, agekey.X25519).plaintext()), true},
		{"no final newline", strings.TrimSuffix(good, "\n"), false},
		{"CRLF", strings.ReplaceAll(good, "\n", "\r\n"), false},
		{"extra line", good + "# more\n", false},
		{"other version", strings.Replace(good, "v1", "v2", 1), false},
		{"id missing", strings.Replace(good, "# id: rh-martin", "# id: ", 1), false},
		{"reserved id", strings.Replace(good, "rh-martin", "victim", 1), false},
		{"seed without padding", strings.Replace(good, seedLine, strings.TrimRight(seedLine, "="), 1), false},
		{"seed in URL base64", strings.Replace(good, seedLine, seedPrefix+base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32)), 1), false},
		{"seed in standard base64", strings.Replace(good, seedLine, seedPrefix+base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32)), 1), true},
		{"seed of 31 bytes", strings.Replace(good, seedLine, "# ed25519-seed: AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ==", 1), false},
		{"lines swapped", strings.Replace(good, "# id: rh-martin\n"+seedLine, seedLine+"\n# id: rh-martin", 1), false},
		{"lowercase secret key", strings.Replace(good, k.Age.String(), strings.ToLower(k.Age.String()), 1), false},
		{"recipient instead of secret key", strings.Replace(good, k.Age.String(), k.Age.Recipient().String(), 1), false},
		{"too long", good + strings.Repeat("#", maxPlaintextLen), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePlaintext([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// TestPlaintextVector pins the worked example of docs/protocol.md §5.4.
func TestPlaintextVector(t *testing.T) {
	const want = "# lanterne referent key v1\n" +
		"# id: rh-martin\n" +
		"# ed25519-seed: AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\n" +
		"AGE-SECRET-KEY-PQ-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSCTK5KM\n"
	k := fixedKey(t, agekey.Hybrid)
	if got := string(k.plaintext()); got != want {
		t.Fatalf("plaintext\n%s\nwant\n%s", got, want)
	}
	pub := k.Public()
	if got := base64.StdEncoding.EncodeToString(pub.VerifyKey); got != "gTl3Dqh9F19Wo1Rmw0x+zMuNipG07jeiXfYPW4/Js5Q=" {
		t.Errorf("verify key %s", got)
	}
	if !strings.HasPrefix(pub.AgeRecipient, "age1pq1a3a4pnwusds0nzccnwk885u4a728kd7cg") {
		t.Errorf("recipient %.40s…", pub.AgeRecipient)
	}
}
