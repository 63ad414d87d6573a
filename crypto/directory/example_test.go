package directory_test

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/directory/orgkey"
)

// exampleDirectory is a one-referent directory issued on 1 March 2026.
func exampleDirectory(orgName string) *directory.Directory {
	referent, _ := agekey.Generate(agekey.Hybrid)
	verifyKey, _, _ := ed25519.GenerateKey(nil)
	issued := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	return &directory.Directory{
		Format:      directory.Format,
		OrgID:       "mairie-exemple",
		OrgName:     orgName,
		Version:     1,
		IssuedAt:    issued,
		ExpiresAt:   issued.AddDate(0, 3, 0),
		CaseKeyKind: agekey.Hybrid,
		Routes: []directory.Route{{
			ID:    directory.RouteAVDHAS,
			Names: map[string]string{"fr": "Violences, discriminations, harcèlements", "en": "Violence, discrimination, harassment"},
		}},
		Referents: []directory.Referent{{
			ID:           "c.martin",
			Name:         "Claire Martin",
			AgeRecipient: referent.Recipient().String(),
			VerifyKey:    verifyKey,
			Routes:       []directory.RouteID{directory.RouteAVDHAS},
		}},
	}
}

// A reporter's device checks the directory against the fingerprint it
// pinned before it encrypts anything to the referents.
func ExampleVerify() {
	// The organisation's admin signs (package orgkey).
	org, err := orgkey.NewSigner("mairie-exemple")
	if err != nil {
		log.Fatal(err)
	}
	signed, err := org.Sign(exampleDirectory("Mairie d'Exemple"))
	if err != nil {
		log.Fatal(err)
	}
	pinned := org.Fingerprint() // printed on posters, typed or scanned once

	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	d, err := directory.Verify(signed, pinned, 0, now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.OrgName, "-", d.Referent("c.martin").Name, "reads", d.Referents[0].Routes)

	// Four months later the same bytes are refused.
	_, err = directory.Verify(signed, pinned, 0, now.AddDate(0, 4, 0))
	fmt.Println(errors.Is(err, directory.ErrExpired))

	// Another organisation's directory is refused with an error the client
	// can translate.
	impostor, _ := orgkey.NewSigner("mairie-exemple")
	forged, _ := impostor.Sign(exampleDirectory("Mairie d'Exemple"))
	if _, err := directory.Verify(forged, pinned, 0, now); errors.Is(err, directory.ErrWrongOrganisation) {
		fmt.Println("Cet annuaire n'est pas celui de votre organisation.")
	}
	// Output:
	// Mairie d'Exemple - Claire Martin reads [avdhas]
	// true
	// Cet annuaire n'est pas celui de votre organisation.
}

// Sign takes any Ed25519 signing function, here a plain crypto/ed25519 key.
func ExampleSign() {
	_, root, _ := ed25519.GenerateKey(nil)
	d := exampleDirectory("Mairie d'Exemple")
	d.Keys = []directory.SigningKey{{ID: "00000001", PublicKey: root.Public().(ed25519.PublicKey)}}
	signed, err := directory.Sign(d, func(msg []byte) ([]byte, error) { return ed25519.Sign(root, msg), nil })
	if err != nil {
		log.Fatal(err)
	}
	_, err = directory.Verify(signed, d.Fingerprint(), 0, d.IssuedAt)
	fmt.Println(err)
	// Output: <nil>
}

func ExampleParseFingerprint() {
	fp, err := directory.ParseFingerprint("vekx w3gt fvd2 tn67 k9yq")
	fmt.Println(fp, err)
	_, err = directory.ParseFingerprint("VEKX-W3GT")
	fmt.Println(errors.Is(err, directory.ErrInvalidFingerprint))
	// Output:
	// VEKX-W3GT-FVD2-TN67-K9YQ <nil>
	// true
}

func ExampleFingerprint() {
	root := make([]byte, 32)
	for i := range root {
		root[i] = byte(i)
	}
	fmt.Println(directory.Fingerprint("mairie-exemple", root))
	// Output: VEKX-W3GT-FVD2-TN67-K9YQ
}
