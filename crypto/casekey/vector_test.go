package casekey_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/internal/agetool"
)

// The worked example of docs/protocol.md §6.7.
const (
	vectorCaseID  = "6b1e5f0c2d7a48e39f10a2b4c6d8e0f1"
	vectorBinding = "lanterne/v1/case-key\n6b1e5f0c2d7a48e39f10a2b4c6d8e0f1\ncase\n1\n" +
		"AGE-SECRET-KEY-PQ-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSCTK5KM"
	vectorSHA256 = "eb3fb821ac579a885f988f6fa76416681e32707b2c386a361891439e47407a1d"
)

func fromSeed(t *testing.T, b byte) *agekey.Identity {
	t.Helper()
	id, err := agekey.FromSeed(agekey.Hybrid, bytes.Repeat([]byte{b}, agekey.SeedSize))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestReferenceToolOpensWrap: a wrap is a plain age file; the reference age
// tool decrypts it with the reader's key to exactly the binding of
// docs/protocol.md §6.7.
func TestReferenceToolOpensWrap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the reference age tool")
	}
	if sum := sha256.Sum256([]byte(vectorBinding)); hex.EncodeToString(sum[:]) != vectorSHA256 {
		t.Fatal("the vector's SHA-256 is wrong")
	}
	caseKey := fromSeed(t, 1)
	reader := fromSeed(t, 3)
	if caseKey.String() != "AGE-SECRET-KEY-PQ-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSCTK5KM" {
		t.Fatal("agekey.FromSeed changed")
	}
	// The package makes keys only at random; the vector's key enters through
	// a wrap of the vector's bytes made by the age library, which Unwrap must
	// accept. Then WrapFor wraps it again, and the reference tool must find
	// exactly the vector's bytes inside.
	vector := casekey.Wrap{Reader: "rh-martin", Role: casekey.RoleCase, Generation: 1,
		Ciphertext: seal(t, vectorBinding, reader.Recipient())}
	k, err := casekey.Unwrap(vector, vectorCaseID, reader)
	if err != nil {
		t.Fatalf("Unwrap of the vector: %v", err)
	}
	w, err := k.WrapFor(vectorCaseID, "rh-martin", reader.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "reader.txt")
	if err := os.WriteFile(keyFile, []byte(reader.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := agetool.Run(t, w.Ciphertext, "-d", "-i", keyFile); string(got) != vectorBinding {
		t.Errorf("age -d gave %q,\nwant %q", got, vectorBinding)
	}
	back, err := casekey.Unwrap(w, vectorCaseID, reader)
	if err != nil || back.Identity().String() != caseKey.String() {
		t.Fatalf("Unwrap: %v", err)
	}
}
