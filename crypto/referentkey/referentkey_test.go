package referentkey_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/internal/agetool"
	"github.com/lanterne/lanterne/crypto/referentkey"
)

const testWorkFactor = 10

func sameKey(a, b *referentkey.Key) bool {
	return a.ID == b.ID && a.Age.String() == b.Age.String() && a.Signing.Equal(b.Signing)
}

func TestRoundTrip(t *testing.T) {
	for _, kind := range []agekey.Kind{agekey.Hybrid, agekey.X25519} {
		t.Run(string(kind), func(t *testing.T) {
			k, err := referentkey.Generate("rh-martin", kind)
			if err != nil {
				t.Fatal(err)
			}
			sealed, err := referentkey.Marshal(k, "une phrase de passe", testWorkFactor)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(sealed, []byte(k.Age.String())) || bytes.Contains(sealed, []byte("rh-martin")) {
				t.Fatal("the sealed file shows the key or the id in clear")
			}
			back, err := referentkey.Parse(sealed, "une phrase de passe")
			if err != nil {
				t.Fatal(err)
			}
			if !sameKey(k, back) || back.Age.Kind() != kind {
				t.Error("the parsed key differs from the one sealed")
			}
			// The parsed keys still work: the age identity opens what is
			// encrypted to the published recipient, and the signing key's
			// signatures check against the published verify key.
			pub := back.Public()
			r, err := agekey.ParseRecipient(pub.AgeRecipient, true)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			w, _ := age.Encrypt(&buf, r)
			io.WriteString(w, "wrap")
			w.Close()
			if _, err := age.Decrypt(&buf, back.Age); err != nil {
				t.Errorf("the parsed age identity does not open: %v", err)
			}
			msg := []byte("lanterne/v1/message\n{}")
			if !ed25519.Verify(pub.VerifyKey, msg, ed25519.Sign(back.Signing, msg)) {
				t.Error("the parsed signing key does not match the verify key")
			}
			if pub.ID != "rh-martin" || pub.Name != "" || pub.Routes != nil {
				t.Errorf("Public() = %+v", pub)
			}
		})
	}
}

func TestGenerateIsRandom(t *testing.T) {
	a, _ := referentkey.Generate("a", "")
	b, _ := referentkey.Generate("a", "")
	if a.Age.String() == b.Age.String() || a.Signing.Equal(b.Signing) {
		t.Error("two generated keys are equal")
	}
	if a.Age.Kind() != agekey.Hybrid {
		t.Error("default kind is not hybrid")
	}
}

func TestParseErrors(t *testing.T) {
	k, _ := referentkey.Generate("rh-martin", agekey.Hybrid)
	sealed, err := referentkey.Marshal(k, "correct horse", testWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	damaged := bytes.Clone(sealed)
	damaged[len(damaged)-1] ^= 1
	notAKey, _ := agekey.SealWithPassphrase([]byte("AGE-SECRET-KEY-1 hello\n"), "correct horse", testWorkFactor)
	tests := []struct {
		name       string
		sealed     []byte
		passphrase string
		wantErr    error
	}{
		{"wrong passphrase", sealed, "wrong horse", agekey.ErrWrongPassphrase},
		{"empty passphrase", sealed, "", agekey.ErrWrongPassphrase},
		{"damaged file", damaged, "correct horse", agekey.ErrWrongPassphrase},
		{"not an age file", []byte("# lanterne referent key v1\n"), "correct horse", agekey.ErrWrongPassphrase},
		{"age file that is not a key file", notAKey, "correct horse", referentkey.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := referentkey.Parse(tc.sealed, tc.passphrase)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "AGE-SECRET-KEY") || strings.Contains(err.Error(), "horse") {
				t.Error("the error echoes a secret")
			}
		})
	}
}

func TestMarshalRefuses(t *testing.T) {
	good, _ := referentkey.Generate("rh-martin", agekey.Hybrid)
	other, _ := referentkey.Generate("rh-martin", agekey.Hybrid)
	mismatched := *good
	mismatched.Signing = append(bytes.Clone(good.Signing[:32]), other.Signing[32:]...)
	noAge := *good
	noAge.Age = nil
	badID := *good
	badID.ID = "rh martin"
	tests := []struct {
		name       string
		k          *referentkey.Key
		passphrase string
		workFactor int
	}{
		{"nil key", nil, "p", testWorkFactor},
		{"empty passphrase", good, "", testWorkFactor},
		{"seed and public half disagree", &mismatched, "p", testWorkFactor},
		{"no age identity", &noAge, "p", testWorkFactor},
		{"bad id", &badID, "p", testWorkFactor},
		{"work factor 0", good, "p", 0},
		{"work factor Parse would refuse", good, "p", agekey.DefaultWorkFactor + 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := referentkey.Marshal(tc.k, tc.passphrase, tc.workFactor); err == nil {
				t.Error("Marshal succeeded")
			}
		})
	}
}

func TestGenerateID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"rh-martin", true},
		{"r.dupont_2", true},
		{"R.Dupont", false},
		{"-dupont", false},
		{"rh/martin", false},
		{strings.Repeat("a", referentkey.MaxIDLen), true},
		{strings.Repeat("a", referentkey.MaxIDLen+1), false},
		{"", false},
		{"rh martin", false},
		{"rh\nmartin", false},
		{"rhé", false},
		{"reporter", false},
		{"victim", false},
	}
	for _, tc := range tests {
		_, err := referentkey.Generate(tc.id, agekey.X25519)
		if (err == nil) != tc.ok {
			t.Errorf("Generate(%q): err = %v, want ok %v", tc.id, err, tc.ok)
		}
	}
}

// TestAgeLibraryOpensKeyFile: the sealed file is a plain age scrypt file and
// its plaintext a plain age identity file, so a referent can always get at
// their key with the reference tools.
func TestAgeLibraryOpensKeyFile(t *testing.T) {
	k, _ := referentkey.Generate("rh-martin", agekey.Hybrid)
	sealed, err := referentkey.Marshal(k, "correct horse", testWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	scrypt, _ := age.NewScryptIdentity("correct horse")
	r, err := age.Decrypt(bytes.NewReader(sealed), scrypt)
	if err != nil {
		t.Fatalf("the age library cannot open the key file: %v", err)
	}
	plain, _ := io.ReadAll(r)
	if !strings.HasPrefix(string(plain), referentkey.Header+"\n") {
		t.Error("the plaintext does not start with the header")
	}
	back, err := referentkey.ParsePlaintext(plain)
	if err != nil || !sameKey(k, back) {
		t.Fatalf("ParsePlaintext of the age library's output: %v", err)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(plain))
	if err != nil || len(ids) != 1 {
		t.Fatalf("the plaintext is not an age identity file: %v", err)
	}
	if hid, ok := ids[0].(*age.HybridIdentity); !ok || hid.String() != k.Age.String() {
		t.Error("the age library reads another identity from the plaintext")
	}
}

// TestReferenceToolUsesPlaintext: `age -d -i` takes the decrypted key file
// as it is, comment lines included.
func TestReferenceToolUsesPlaintext(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the reference age tool")
	}
	k, _ := referentkey.Generate("rh-martin", agekey.Hybrid)
	sealed, _ := referentkey.Marshal(k, "correct horse", testWorkFactor)
	scrypt, _ := age.NewScryptIdentity("correct horse")
	r, err := age.Decrypt(bytes.NewReader(sealed), scrypt)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(r)
	keyFile := filepath.Join(t.TempDir(), "referent.txt")
	if err := os.WriteFile(keyFile, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, k.Age.Recipient())
	io.WriteString(w, "signalement")
	w.Close()
	if got := agetool.Run(t, buf.Bytes(), "-d", "-i", keyFile); string(got) != "signalement" {
		t.Errorf("age -d -i gave %q", got)
	}
}
