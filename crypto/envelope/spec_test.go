package envelope

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/internal/agetool"
)

var update = flag.Bool("update", false, "rewrite testdata/worked-example.age")

// The worked example of docs/protocol.md §7.10: a referent's message, signed
// with the Ed25519 key of seed 32×0x42, sealed to the X25519 case key of seed
// 32×0x07. Everything but the age file is deterministic; the age file is
// stored in testdata and must keep opening to the same frame.
const (
	specRaw       = `{"id":"00112233445566778899aabbccddeeff","case_id":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","author":"ref-1","kind":"text","body":"Bonjour, nous avons bien reçu votre signalement.","sent_at":"2026-03-02T09:30:00Z"}`
	specSignature = "7FsvypvKYvnF7RMmDgibjiXFhaSErOz8fkmfDM0reNCpHjGjgNsEHBrPXpDYniAYtMw1PCl2abUZLsZkKe0QDw=="
	specFrameHead = "4c4e54310300000144"
	specFrameHash = "0a46ecf0a8d33f1a0de5e3ff9c341c35ccc9acd16e707eb0377d3a170e95b673"
)

func specInputs(t testing.TB) (*Message, *agekey.Identity) {
	return testMessage("ref-1", MessageText), key(t, agekey.X25519, 0x07)
}

func TestWorkedExample(t *testing.T) {
	m, caseKey := specInputs(t)
	refKey, refPub := signer(0x42)
	payload, err := encodeMessagePayload(m, refKey)
	if err != nil {
		t.Fatal(err)
	}
	o, err := decodeMessagePayload(payload)
	if err != nil {
		t.Fatal(err)
	}
	sig := base64.StdEncoding.EncodeToString(o.sig)
	frame, _ := Frame(KindMessage, payload)
	sum := sha256.Sum256(frame)
	t.Logf("verify key  %x", []byte(refPub))
	t.Logf("case key    %s %s", caseKey.Recipient(), caseKey) // a test key from a fixed seed
	t.Logf("raw         %s", o.raw)
	t.Logf("signature   %s", sig)
	t.Logf("payload     %d bytes %s", len(payload), payload)
	t.Logf("frame head  %x", frame[:9])
	t.Logf("frame       %d bytes sha256 %x", len(frame), sum)
	if string(o.raw) != specRaw {
		t.Errorf("message JSON changed:\n%s", o.raw)
	}
	if sig != specSignature {
		t.Errorf("signature changed: %s", sig)
	}
	// The signature is plain Ed25519 over the context and the JSON bytes.
	rawSig, _ := base64.StdEncoding.DecodeString(specSignature)
	if !ed25519.Verify(refPub, []byte("lanterne/v1/message\n"+specRaw), rawSig) {
		t.Error("the SPEC signature does not verify over the SPEC bytes")
	}
	want := `{"message":` + specRaw + `,"signature":"` + specSignature + `"}`
	if string(payload) != want {
		t.Errorf("payload changed:\n%s", payload)
	}
	if hex.EncodeToString(frame[:9]) != specFrameHead || hex.EncodeToString(sum[:]) != specFrameHash {
		t.Errorf("frame changed")
	}

	path := filepath.Join("testdata", "worked-example.age")
	if *update {
		ct, err := Seal(KindMessage, payload, caseKey.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, ct, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ct, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("age file    %d bytes", len(ct))
	opened, err := OpenMessage(ct, caseKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := opened.VerifyReferent(refPub, testCaseID); err != nil {
		t.Error(err)
	}
	if !testing.Short() {
		keyFile := filepath.Join(t.TempDir(), "key.txt")
		os.WriteFile(keyFile, []byte(caseKey.String()+"\n"), 0o600)
		if got := agetool.Run(t, ct, "-d", "-i", keyFile); !bytes.Equal(got, frame) {
			t.Error("age -d does not give the frame")
		}
	}
}
