package envelope

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/internal/agetool"
)

func TestSealOpenEveryKind(t *testing.T) {
	for _, kk := range []agekey.Kind{agekey.Hybrid, agekey.X25519} {
		a, b, other := key(t, kk, 1), key(t, kk, 2), key(t, kk, 3)
		for k := KindReport; k <= KindInvitation; k++ {
			t.Run(string(kk)+"/"+k.String(), func(t *testing.T) {
				payload := []byte("contenu " + k.String())
				ct, err := Seal(k, payload, a.Recipient(), b.Recipient())
				if err != nil {
					t.Fatal(err)
				}
				for _, id := range []*agekey.Identity{a, b} {
					got, err := Open(ct, k, other, id)
					if err != nil || !bytes.Equal(got, payload) {
						t.Errorf("Open = %q, %v", got, err)
					}
				}
				if _, err := Open(ct, k, other); !errors.Is(err, ErrNoIdentity) {
					t.Errorf("a stranger's key: got %v, want ErrNoIdentity", err)
				}
				if _, err := Open(ct, k); !errors.Is(err, ErrNoIdentity) {
					t.Errorf("no key at all: got %v, want ErrNoIdentity", err)
				}
			})
		}
	}
}

// TestKindSwapRefused: the server swaps one stored envelope for another of
// the same case; the reader asks for the kind it expects and is refused.
func TestKindSwapRefused(t *testing.T) {
	id := key(t, agekey.X25519, 1)
	for sealed := KindReport; sealed <= KindInvitation; sealed++ {
		ct, err := Seal(sealed, []byte("x"), id.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		for want := KindReport; want <= KindInvitation; want++ {
			_, err := Open(ct, want, id)
			if sealed == want && err != nil {
				t.Errorf("%s opened as itself: %v", sealed, err)
			}
			if sealed != want && !errors.Is(err, ErrWrongKind) {
				t.Errorf("%s opened as %s: got %v, want ErrWrongKind", sealed, want, err)
			}
		}
	}
	if _, err := Open(nil, 0, id); !errors.Is(err, ErrKind) {
		t.Errorf("want kind 0: got %v", err)
	}
}

// TestPaddingHidesLength: two reports of different lengths in the same
// bucket give envelopes of exactly the same length.
func TestPaddingHidesLength(t *testing.T) {
	r1, r2 := key(t, agekey.Hybrid, 1), key(t, agekey.Hybrid, 2)
	short, err := Seal(KindReport, bytes.Repeat([]byte("a"), 10), r1.Recipient(), r2.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	long, err := Seal(KindReport, bytes.Repeat([]byte("a"), 900), r1.Recipient(), r2.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if len(short) != len(long) {
		t.Errorf("10-byte and 900-byte payloads give %d and %d bytes", len(short), len(long))
	}

	// The same with real reports whose facts differ in length.
	a, b := testReport(), testReport()
	a.Facts = "Insultes."
	b.Facts = strings.Repeat("Des remarques répétées sur mon origine. ", 5)
	ca, err := SealReport(a, r1.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	cb, err := SealReport(b, r1.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if len(ca) != len(cb) {
		t.Errorf("reports with facts of %d and %d bytes give %d and %d bytes", len(a.Facts), len(b.Facts), len(ca), len(cb))
	}

	// A payload in the next bucket gives a longer envelope.
	next, _ := Seal(KindReport, bytes.Repeat([]byte("a"), 1016), r1.Recipient(), r2.Recipient())
	if len(next)-len(long) != 1024 {
		t.Errorf("next bucket adds %d bytes, want 1024", len(next)-len(long))
	}
}

// TestAgeLibraryDecryptsToFrame: an envelope is one plain age file whose
// plaintext is the frame.
func TestAgeLibraryDecryptsToFrame(t *testing.T) {
	id := key(t, agekey.Hybrid, 1)
	ct, err := Seal(KindMessage, []byte(`{"message":{}}`), id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	x, err := age.ParseHybridIdentity(id.String())
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(bytes.NewReader(ct), x)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	want, _ := Frame(KindMessage, []byte(`{"message":{}}`))
	if !bytes.Equal(got, want) {
		t.Errorf("age.Decrypt gave %d bytes, not the frame", len(got))
	}
}

// TestReferenceAgeTool: the age command-line tool decrypts an envelope to
// its frame, for both key kinds.
func TestReferenceAgeTool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the reference age tool")
	}
	for _, kk := range []agekey.Kind{agekey.Hybrid, agekey.X25519} {
		t.Run(string(kk), func(t *testing.T) {
			id := key(t, kk, 5)
			keyFile := filepath.Join(t.TempDir(), "key.txt")
			if err := os.WriteFile(keyFile, []byte(id.String()+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			ct, err := SealReport(testReport(), id.Recipient())
			if err != nil {
				t.Fatal(err)
			}
			frame := agetool.Run(t, ct, "-d", "-i", keyFile)
			k, payload, err := Unframe(frame)
			if err != nil || k != KindReport {
				t.Fatalf("age -d output: %v, %v", k, err)
			}
			if _, err := decodeReport(payload); err != nil {
				t.Errorf("report decrypted by age -d: %v", err)
			}
		})
	}
}

func TestOpenRefusals(t *testing.T) {
	id := key(t, agekey.X25519, 1)
	ct, err := Seal(KindMessage, []byte("x"), id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	damaged := bytes.Clone(ct)
	damaged[len(damaged)-20] ^= 1
	truncated := ct[:len(ct)-1]
	huge := append(bytes.Clone(ct), make([]byte, KindMessage.MaxCiphertextSize())...)
	tests := []struct {
		name string
		ct   []byte
		want error
	}{
		{"damaged payload", damaged, ErrDamaged},
		{"truncated", truncated, ErrDamaged},
		{"not age", []byte("hello"), ErrDamaged},
		{"empty", nil, ErrDamaged},
		{"over the size limit", huge, ErrCiphertextSize},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Open(tc.ct, KindMessage, id); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := Seal(KindMessage, []byte("x")); !errors.Is(err, ErrNoRecipients) {
		t.Errorf("no recipients: got %v", err)
	}
}

// TestHeaderAllowance: an envelope to many hybrid recipients (a large
// organisation's conflict route plus the reporter) stays under the limit.
func TestHeaderAllowance(t *testing.T) {
	var rs []age.Recipient
	for i := range 40 {
		rs = append(rs, key(t, agekey.Hybrid, byte(i+1)).Recipient())
	}
	ct, err := Seal(KindMessage, make([]byte, KindMessage.MaxPayload()), rs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(ct) > KindMessage.MaxCiphertextSize() {
		t.Fatalf("40 recipients: %d bytes, limit %d", len(ct), KindMessage.MaxCiphertextSize())
	}
	if _, err := Open(ct, KindMessage, key(t, agekey.Hybrid, 40)); err != nil {
		t.Error(err)
	}
}
