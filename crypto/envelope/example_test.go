package envelope_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/envelope"
)

func ExampleBucket() {
	for _, n := range []int{0, 1015, 1016, 5000, 65527, 1048567} {
		fmt.Printf("%7d-byte payload → %7d-byte frame\n", n, envelope.Bucket(n))
	}
	// Output:
	//       0-byte payload →    1024-byte frame
	//    1015-byte payload →    1024-byte frame
	//    1016-byte payload →    2048-byte frame
	//    5000-byte payload →    8192-byte frame
	//   65527-byte payload →   65536-byte frame
	// 1048567-byte payload → 1048576-byte frame
}

func ExampleFrame() {
	f, _ := envelope.Frame(envelope.KindMessage, []byte("hi"))
	fmt.Println(len(f), hex.EncodeToString(f[:12]))
	kind, payload, _ := envelope.Unframe(f)
	fmt.Printf("%s %q\n", kind, payload)
	// Output:
	// 1024 4c4e54310300000002686900
	// message "hi"
}

func ExampleSealReport() {
	caseKey, _ := agekey.Generate(agekey.Hybrid)
	r := &envelope.Report{
		Channel:     envelope.ChannelAVDHAS,
		Role:        envelope.RoleWitness,
		Category:    envelope.CategorySexistAct,
		Facts:       "Remarques sexistes répétées en réunion.",
		SubmittedAt: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC),
	}
	sealed, err := envelope.SealReport(r, caseKey.Recipient())
	if err != nil {
		panic(err)
	}
	got, err := envelope.OpenReport(sealed, caseKey)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.Schema, envelope.CategoryLabel(got.Category, "fr"))
	// Output: lanterne-report/1 Agissement sexiste
}

func ExampleSealMessage() {
	caseKey, _ := agekey.Generate(agekey.Hybrid)
	verifyKey, signingKey, _ := ed25519.GenerateKey(nil)
	caseID := "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

	// The referent writes and signs.
	sealed, err := envelope.SealMessage(&envelope.Message{
		ID:     envelope.NewID(),
		CaseID: caseID,
		Author: "ref-1",
		Kind:   envelope.MessageIdentityRequest,
		Body:   "Accepteriez-vous de nous donner votre identité ?",
		SentAt: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC),
	}, signingKey, caseKey.Recipient())
	if err != nil {
		panic(err)
	}

	// The reporter opens it and checks the signature with the verify key
	// the directory gives for "ref-1".
	m, err := envelope.OpenMessage(sealed, caseKey)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Message.Author, m.Message.Kind, m.VerifyReferent(verifyKey, caseID))
	// Output: ref-1 identity_request <nil>
}

func ExampleSealRelease() {
	identityKey, _ := agekey.Generate(agekey.Hybrid) // from the case code in real life
	caseKey, _ := agekey.Generate(agekey.Hybrid)

	sealedIdentity, _ := envelope.SealIdentity(&envelope.Identity{Name: "Camille Martin"}, identityKey.Recipient())
	_, err := envelope.OpenIdentity(sealedIdentity, caseKey)
	fmt.Println(err)

	// The reporter consents: the identity key goes to the case key.
	release, _ := envelope.SealRelease(identityKey, caseKey.Recipient())
	released, _ := envelope.OpenRelease(release, caseKey)
	who, _ := envelope.OpenIdentity(sealedIdentity, released)
	fmt.Println(who.Name)
	// Output:
	// envelope: none of the identities given opens this envelope
	// Camille Martin
}
