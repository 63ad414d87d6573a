package agekey_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/internal/agetool"
)

func seed(b byte) []byte { return bytes.Repeat([]byte{b}, agekey.SeedSize) }

func TestFromSeed(t *testing.T) {
	tests := []struct {
		kind          agekey.Kind
		secretPrefix  string
		publicPrefix  string
		publicMinSize int
	}{
		{agekey.Hybrid, "AGE-SECRET-KEY-PQ-1", "age1pq1", 1900},
		{agekey.X25519, "AGE-SECRET-KEY-1", "age1", 62},
	}
	for _, tc := range tests {
		t.Run(string(tc.kind), func(t *testing.T) {
			a, err := agekey.FromSeed(tc.kind, seed(1))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := agekey.FromSeed(tc.kind, seed(1))
			c, _ := agekey.FromSeed(tc.kind, seed(2))
			if a.String() != b.String() || a.Recipient().String() != b.Recipient().String() {
				t.Error("the same seed gave two different identities")
			}
			if a.Recipient().String() == c.Recipient().String() {
				t.Error("two seeds gave the same recipient")
			}
			if !strings.HasPrefix(a.String(), tc.secretPrefix) || !strings.HasPrefix(a.Recipient().String(), tc.publicPrefix) {
				t.Errorf("unexpected encodings %.24s… / %.12s…", a.String(), a.Recipient().String())
			}
			if len(a.Recipient().String()) < tc.publicMinSize {
				t.Errorf("recipient is %d characters, want at least %d", len(a.Recipient().String()), tc.publicMinSize)
			}
			if a.Kind() != tc.kind || a.Recipient().Kind() != tc.kind {
				t.Error("kind not reported")
			}
			// The identity decrypts what is encrypted to its recipient.
			msg := []byte("bonjour")
			if got := roundTrip(t, msg, a.Recipient(), a); !bytes.Equal(got, msg) {
				t.Errorf("round trip gave %q", got)
			}
		})
	}
	if _, err := agekey.FromSeed(agekey.Hybrid, seed(1)[:31]); err == nil {
		t.Error("a 31-byte seed was accepted")
	}
	if _, err := agekey.FromSeed("rsa", seed(1)); !errors.Is(err, agekey.ErrUnknownKind) {
		t.Errorf("unknown kind: got %v", err)
	}
}

func roundTrip(t *testing.T, msg []byte, r age.Recipient, id age.Identity) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(msg)
	w.Close()
	out, err := age.Decrypt(&buf, id)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(out)
	return got
}

func TestParseRecipientPolicy(t *testing.T) {
	pq, _ := agekey.Generate(agekey.Hybrid)
	classic, _ := agekey.Generate(agekey.X25519)
	tests := []struct {
		name         string
		in           string
		allowClassic bool
		wantErr      bool
	}{
		{"hybrid", pq.Recipient().String(), false, false},
		{"hybrid with spaces", "  " + pq.Recipient().String() + "\n", false, false},
		{"classic refused by default", classic.Recipient().String(), false, true},
		{"classic allowed when asked", classic.Recipient().String(), true, false},
		{"secret key is not a recipient", pq.String(), true, true},
		{"garbage", "age1pq1notbech32", true, true},
		{"empty", "", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := agekey.ParseRecipient(tc.in, tc.allowClassic)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "AGE-SECRET-KEY") {
				t.Error("the error echoes key material")
			}
			if err == nil && r.String() != strings.TrimSpace(tc.in) {
				t.Errorf("String() = %q", r.String())
			}
		})
	}
}

func TestParseIdentityNeverEchoesSecret(t *testing.T) {
	id, _ := agekey.Generate(agekey.Hybrid)
	broken := id.String()[:len(id.String())-3] + "qqq"
	_, err := agekey.ParseIdentity(broken)
	if err == nil {
		t.Fatal("a damaged secret key was accepted")
	}
	if strings.Contains(err.Error(), broken[20:40]) {
		t.Error("the error echoes the secret key")
	}
	back, err := agekey.ParseIdentity(id.String())
	if err != nil || back.Recipient().String() != id.Recipient().String() {
		t.Errorf("parse of a valid secret key: %v", err)
	}
}

// TestReferenceAgeTool checks both directions against the age command-line
// tool: what Lanterne encrypts to a seed-derived key, `age -d` decrypts, and
// what `age -r` encrypts, Lanterne's identity decrypts.
func TestReferenceAgeTool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the reference age tool")
	}
	for _, kind := range []agekey.Kind{agekey.Hybrid, agekey.X25519} {
		t.Run(string(kind), func(t *testing.T) {
			id, err := agekey.FromSeed(kind, seed(7))
			if err != nil {
				t.Fatal(err)
			}
			keyFile := filepath.Join(t.TempDir(), "key.txt")
			os.WriteFile(keyFile, []byte(id.String()+"\n"), 0o600)

			msg := []byte("le signalement reste chiffré")
			var buf bytes.Buffer
			w, _ := age.Encrypt(&buf, id.Recipient())
			w.Write(msg)
			w.Close()
			if got := agetool.Run(t, buf.Bytes(), "-d", "-i", keyFile); !bytes.Equal(got, msg) {
				t.Errorf("age -d gave %q", got)
			}

			ct := agetool.Run(t, msg, "-r", id.Recipient().String())
			r, err := age.Decrypt(bytes.NewReader(ct), id)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := io.ReadAll(r); !bytes.Equal(got, msg) {
				t.Errorf("decrypting age -r output gave %q", got)
			}
		})
	}
}

func TestPassphrase(t *testing.T) {
	sealed, err := agekey.SealWithPassphrase([]byte("secret referent key"), "correct horse", 10)
	if err != nil {
		t.Fatal(err)
	}
	got, err := agekey.OpenWithPassphrase(sealed, "correct horse")
	if err != nil || string(got) != "secret referent key" {
		t.Fatalf("open: %q, %v", got, err)
	}
	if _, err := agekey.OpenWithPassphrase(sealed, "wrong"); !errors.Is(err, agekey.ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: got %v", err)
	}
	damaged := bytes.Clone(sealed)
	damaged[len(damaged)-1] ^= 1
	if _, err := agekey.OpenWithPassphrase(damaged, "correct horse"); !errors.Is(err, agekey.ErrWrongPassphrase) {
		t.Errorf("damaged file: got %v", err)
	}
	if _, err := agekey.SealWithPassphrase([]byte("x"), "", 10); err == nil {
		t.Error("an empty passphrase was accepted")
	}
	// The sealed file is a plain age scrypt file: the age library opens it.
	id, _ := age.NewScryptIdentity("correct horse")
	if _, err := age.Decrypt(bytes.NewReader(sealed), id); err != nil {
		t.Errorf("age library cannot open the sealed file: %v", err)
	}
}

func ExampleFromSeed() {
	seed := bytes.Repeat([]byte{42}, agekey.SeedSize)
	id, _ := agekey.FromSeed(agekey.Hybrid, seed)
	again, _ := agekey.FromSeed(agekey.Hybrid, seed)
	fmt.Println(id.Recipient().String()[:7], id.Recipient().String() == again.Recipient().String())
	// Output: age1pq1 true
}
