package envelope

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// key returns a fixed identity of the given kind, from a seed of b bytes.
func key(t testing.TB, kind agekey.Kind, b byte) *agekey.Identity {
	t.Helper()
	id, err := agekey.FromSeed(kind, bytes.Repeat([]byte{b}, agekey.SeedSize))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// signer returns a fixed Ed25519 key pair from a seed of b bytes.
func signer(b byte) (ed25519.PrivateKey, ed25519.PublicKey) {
	k := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
	return k, k.Public().(ed25519.PublicKey)
}

var (
	testCaseID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	testTime   = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
)

func testEvidence() EvidenceItem {
	return EvidenceItem{
		FileID:           "a1b2c3d4e5f60718293a4b5c6d7e8f90",
		Name:             "capture écran.png",
		MediaType:        "image/png",
		Size:             48213,
		PlaintextSHA256:  "3f0a4c1e0d7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877",
		CiphertextSHA256: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
		CiphertextSize:   48486,
	}
}

func testReport() *Report {
	return &Report{
		Channel:         ChannelAVDHAS,
		Role:            RoleVictim,
		Category:        CategoryDiscrimination,
		Criteria:        []Criterion{"origine", "age"},
		Facts:           "Mon chef refuse mes demandes de formation depuis mon retour.",
		When:            "depuis mars",
		Where:           "service technique",
		PersonsInvolved: "chef de service",
		Witnesses:       "une collègue",
		Wishes:          Wishes{Meeting: true},
		Conflict:        Conflict{ExcludedReferents: []string{"ref-2"}},
		Evidence:        []EvidenceItem{testEvidence()},
		SubmittedAt:     testTime,
	}
}

func testMessage(author string, kind MessageKind) *Message {
	return &Message{
		ID:     "00112233445566778899aabbccddeeff",
		CaseID: testCaseID,
		Author: author,
		Kind:   kind,
		Body:   "Bonjour, nous avons bien reçu votre signalement.",
		SentAt: testTime,
	}
}
